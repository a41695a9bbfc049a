using Npgsql;

namespace RagPlatform.Storage;

public enum StoreKind
{
    /// <summary>State inside this process's data directory (SQLite, files): one replica, no server to run.</summary>
    Embedded,
    /// <summary>State in a PostgreSQL database shared by every replica.</summary>
    Postgres,
}

/// <summary>
/// Where a service keeps the state its replicas share, bound from the service's own section
/// (<c>Orchestrator:Store</c>, <c>Gateway:Store</c>, ...). The connection string comes from
/// <see cref="PostgresConnectionString"/> or, when that is unset, from <c>ConnectionStrings:Postgres</c>.
/// </summary>
public abstract class StoreOptions
{
    /// <summary>The name under <c>ConnectionStrings:</c> read when <see cref="PostgresConnectionString"/> is unset.</summary>
    public const string ConnectionStringName = "Postgres";

    public StoreKind Store { get; set; } = StoreKind.Embedded;

    /// <summary>An Npgsql connection string (Host=...;Database=...;Username=...;Password=...). Never logged.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Longest a statement may run, lock waits included; past it the request is answered UNAVAILABLE.</summary>
    public TimeSpan PostgresCommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest opening a connection may take (also the wait for a free pooled one).</summary>
    public TimeSpan PostgresConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Connections this process opens at most.</summary>
    public int PostgresMaxPoolSize { get; set; } = 20;

    /// <summary>The problems of the store settings, each naming its key under <paramref name="section"/>.</summary>
    public IEnumerable<string> ValidateStore(string section)
    {
        if (!Enum.IsDefined(Store))
        {
            yield return $"{section}:Store must be Embedded or Postgres (was {Store}).";
            yield break;
        }

        if (Store != StoreKind.Postgres)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(PostgresConnectionString))
        {
            yield return $"{section}:PostgresConnectionString (or ConnectionStrings:{ConnectionStringName}) is required when {section}:Store is Postgres.";
        }
        else if (ConnectionStringProblem() is { } problem)
        {
            // The parser's message names the bad keyword, never a value: the string may hold a password.
            yield return $"{section}:PostgresConnectionString is not a valid connection string: {problem}";
        }

        foreach (var (name, value) in new[] { (nameof(PostgresCommandTimeout), PostgresCommandTimeout), (nameof(PostgresConnectTimeout), PostgresConnectTimeout) })
        {
            if (value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromHours(1))
            {
                yield return $"{section}:{name} must be 1 s to 1 h (was {value}).";
            }
        }

        if (PostgresMaxPoolSize is < 2 or > 1000)
        {
            yield return $"{section}:PostgresMaxPoolSize must be 2 to 1000 (was {PostgresMaxPoolSize}).";
        }
    }

    /// <summary>The validated settings of the PostgreSQL connection.</summary>
    public PostgresSettings Postgres() => new(PostgresConnectionString!, PostgresCommandTimeout, PostgresConnectTimeout, PostgresMaxPoolSize);

    private string? ConnectionStringProblem()
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(PostgresConnectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}

/// <param name="ConnectionString">Never logged: it may hold a password.</param>
public sealed record PostgresSettings(string ConnectionString, TimeSpan CommandTimeout, TimeSpan ConnectTimeout, int MaxPoolSize)
{
    public override string ToString() => $"PostgresSettings {{ CommandTimeout = {CommandTimeout}, ConnectTimeout = {ConnectTimeout}, MaxPoolSize = {MaxPoolSize} }}";
}
