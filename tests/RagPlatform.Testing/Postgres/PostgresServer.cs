using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace RagPlatform.Testing.Postgres;

/// <summary>
/// A throw-away PostgreSQL server from Debian's package (scripts/setup/postgres.sh): initdb into a temporary data
/// directory, started with pg_ctl on a free loopback port, trust authentication on loopback only. PostgreSQL refuses to
/// run as root, so as root every server command runs as the postgres user (runuser). The server can be stopped and
/// started again mid-test on the same port (fault tests); disposing stops it and deletes its directory. Servers a
/// killed test run left behind are stopped and deleted by the next <see cref="StartAsync"/>.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    public const string User = "postgres";
    private const string DirectoryPrefix = "rag-pg-";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly string _root;
    private readonly string _bin;

    private PostgresServer(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    public bool IsRunning { get; private set; }

    /// <summary>The server's log (startup failures, crashes), for assertion messages.</summary>
    public string Log => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>Creates and starts a server; fails with what to install when PostgreSQL is missing.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries();
        await RemoveAbandonedAsync(bin);
        var root = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var server = new PostgresServer(root, bin, FreePort());
        try
        {
            await server.InitializeAsync();
            await server.StartAgainAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
        Timeout = 5,
        CommandTimeout = 15,
    }.ConnectionString;

    /// <summary>Creates an empty database (name made safe and unique) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var safe = SafeName().Replace(name.ToLowerInvariant(), "_");
        var database = $"{safe[..Math.Min(safe.Length, 30)]}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\";", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(database);
    }

    /// <summary>
    /// Stops the server: <paramref name="immediate"/> is a crash (no checkpoint, clients cut off at once, recovery from
    /// the WAL on the next start); otherwise a fast shutdown (clients disconnected, data flushed).
    /// </summary>
    public async Task StopAsync(bool immediate = false)
    {
        await PgCtlAsync("stop", "-m", immediate ? "immediate" : "fast");
        IsRunning = false;
    }

    /// <summary>Starts the stopped server again on the same port and data directory.</summary>
    public async Task StartAgainAsync()
    {
        await PgCtlAsync("start", "-l", LogFile, "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)}");
        IsRunning = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await PgCtlAsync("stop", "-m", "immediate");
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task InitializeAsync()
    {
        if (AsRoot)
        {
            // The temporary directory is root's (mode 700): the server's user must own it.
            (await ExternalCommand.RunAsync("chown", [$"{User}:{User}", _root], _root, CommandTimeout)).EnsureSuccess();
        }

        (await RunAsync(Path.Combine(_bin, "initdb"), ["-D", DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]))
            .EnsureSuccess();
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            # rag test server: loopback only, small, socket inside the data directory
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{DataDirectory}'
            max_connections = 200
            shared_buffers = 16MB
            """);
    }

    private async Task PgCtlAsync(params string[] arguments)
    {
        var result = await RunAsync(Path.Combine(_bin, "pg_ctl"), [.. arguments, "-D", DataDirectory, "-w", "-t", "60"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{result.Command} exited with {result.ExitCode}:\n{result.Output}\nserver log:\n{Log}");
        }
    }

    private Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments) => RunAsServerUserAsync(program, arguments, _root);

    private static bool AsRoot => Environment.UserName == "root";

    private static Task<CommandResult> RunAsServerUserAsync(string program, IReadOnlyList<string> arguments, string workingDirectory) =>
        AsRoot
            ? ExternalCommand.RunAsync("runuser", ["-u", User, "--", program, .. arguments], workingDirectory, CommandTimeout)
            : ExternalCommand.RunAsync(program, arguments, workingDirectory, CommandTimeout);

    /// <summary>The newest installed server's bin directory (RAG_PG_BINDIR overrides).</summary>
    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("RAG_PG_BINDIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        var found = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin: run scripts/setup/postgres.sh (or set RAG_PG_BINDIR).");
    }

    /// <summary>Stops and deletes the servers of test runs that died without disposing them.</summary>
    private static async Task RemoveAbandonedAsync(string bin)
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var owner = Path.Combine(root, "owner.pid");
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), out var pid) || Directory.Exists($"/proc/{pid}"))
            {
                continue;
            }

            var data = Path.Combine(root, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                await RunAsServerUserAsync(Path.Combine(bin, "pg_ctl"), ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], root);
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Another run is sweeping it at the same moment.
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex SafeName();
}

/// <summary>One server for the test classes of a collection; each class makes its own database with <see cref="PostgresServer.CreateDatabaseAsync"/>.</summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
