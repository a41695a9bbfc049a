using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace RagPlatform.Storage;

/// <summary>
/// One PostgreSQL database as the stores of a service use it: a pooled data source with bounded timeouts, schema
/// migrations, and every call's "the database is down" failure turned into <see cref="StoreUnavailableException"/>.
/// Npgsql reconnects by itself: a call after the server is back simply works.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public PostgresDatabase(PostgresSettings settings, string applicationName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            CommandTimeout = WholeSeconds(settings.CommandTimeout),
            Timeout = WholeSeconds(settings.ConnectTimeout),
            MaxPoolSize = settings.MaxPoolSize,
            ApplicationName = applicationName,
        };
        Location = $"{builder.Host}:{builder.Port}/{builder.Database}";
        MaxPoolSize = settings.MaxPoolSize;
        DataSource = NpgsqlDataSource.Create(builder);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>host:port/database, for logs (the connection string itself may hold a password).</summary>
    public string Location { get; }

    public int MaxPoolSize { get; }

    /// <summary>
    /// True when <paramref name="exception"/> says the server is unreachable, restarting, overloaded or too slow,
    /// rather than that a statement is wrong.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        StoreUnavailableException => true,
        PostgresException e => e.IsTransient || e.SqlState.StartsWith("08", StringComparison.Ordinal) || e.SqlState is "57P01" or "57P02" or "57P03",
        NpgsqlException e => e.IsTransient || e.InnerException is IOException or SocketException or TimeoutException,
        TimeoutException or SocketException => true,
        _ => false,
    };

    /// <summary>Opens a pooled connection; an unreachable server is <see cref="StoreUnavailableException"/>.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new StoreUnavailableException(e);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a pooled connection, translating an outage.</summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e) && e is not StoreUnavailableException)
        {
            throw new StoreUnavailableException(e);
        }
    }

    /// <summary>Runs one statement; returns the rows it changed.</summary>
    public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, sql, parameters);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Runs one query and maps each row.</summary>
    public Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken, params NpgsqlParameter[] parameters) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(map(reader));
            }

            return rows;
        }, cancellationToken);

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>Brings <paramref name="component"/>'s tables to the newest of <paramref name="migrations"/> (see <see cref="SchemaMigrator"/>).</summary>
    public Task<int> MigrateAsync(string component, IReadOnlyList<SchemaMigration> migrations, ILogger logger, CancellationToken cancellationToken) =>
        RunAsync((connection, ct) => SchemaMigrator.MigrateAsync(connection, component, migrations, logger, ct), cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private static int WholeSeconds(TimeSpan value) => (int)Math.Max(1, Math.Ceiling(value.TotalSeconds));
}
