using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace RagPlatform.Storage.Tests;

[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class SchemaMigratorTests(PostgresServerFixture fixture) : IAsyncLifetime
{
    // Plain CREATE TABLE (no IF NOT EXISTS): a step applied twice fails, so "applied once" is observable.
    private static readonly SchemaMigration[] Steps =
    [
        new(1, "notes", "CREATE TABLE notes (id integer PRIMARY KEY, text text NOT NULL);"),
        new(2, "tags", "CREATE TABLE tags (note integer REFERENCES notes (id), tag text NOT NULL);"),
    ];

    private PostgresDatabase _database = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync(nameof(SchemaMigratorTests)).Bounded();
        _database = new PostgresDatabase(new PostgresSettings(connectionString, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5), 20), "tests");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryStepInOrder_AndRecordsEach()
    {
        var version = await _database.MigrateAsync("fresh", Steps, NullLogger.Instance, CancellationToken.None).Bounded();
        var again = await _database.MigrateAsync("fresh", Steps, NullLogger.Instance, CancellationToken.None).Bounded();

        Assert.Equal(2, version);
        Assert.Equal(2, again);
        Assert.Equal([(1, "notes"), (2, "tags")], await VersionsAsync("fresh"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM tags;"));
    }

    [Fact]
    public async Task MigrateAsync_EightReplicasAtOnce_EachStepRunsExactlyOnce()
    {
        var steps = Steps.Select(s => s with { Sql = s.Sql.Replace("notes", "raced_notes").Replace("tags", "raced_tags") }).ToArray();
        await using var replicas = new Replicas(8, () => new PostgresDatabase(
            new PostgresSettings(_database.DataSource.ConnectionString, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5), 2), "replica"));

        var versions = await Task.WhenAll(replicas.All.Select(r => Task.Run(() => r.MigrateAsync("raced", steps, NullLogger.Instance, CancellationToken.None))))
            .Bounded();

        Assert.All(versions, v => Assert.Equal(2, v));
        Assert.Equal([(1, "notes"), (2, "tags")], await VersionsAsync("raced"));
    }

    [Fact]
    public async Task MigrateAsync_DatabaseNewerThanTheBuild_RefusesWithTheVersions()
    {
        await _database.MigrateAsync("newer", [.. Steps.Select(s => s with { Sql = s.Sql.Replace("notes", "newer_notes").Replace("tags", "newer_tags") }),
            new(3, "later", "CREATE TABLE later_things (id integer);")], NullLogger.Instance, CancellationToken.None).Bounded();

        var refused = await Assert.ThrowsAsync<SchemaTooNewException>(() =>
            _database.MigrateAsync("newer", Steps, NullLogger.Instance, CancellationToken.None)).Bounded();

        Assert.Contains("version 3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("up to 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_StepFails_NothingOfTheRunIsApplied()
    {
        SchemaMigration[] steps =
        [
            new(1, "good", "CREATE TABLE half_good (id integer);"),
            new(2, "bad", "CREATE TABLE half_bad (id no_such_type);"),
        ];

        await Assert.ThrowsAsync<PostgresException>(() => _database.MigrateAsync("half", steps, NullLogger.Instance, CancellationToken.None)).Bounded();

        Assert.Empty(await VersionsAsync("half"));
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'half_good';"));
    }

    private async Task<List<(int, string)>> VersionsAsync(string component)
    {
        // The version table exists once any component migrated (the failing run's rolled back with it).
        if (await ScalarAsync("SELECT count(*) FROM pg_tables WHERE tablename = 'rag_schema_versions';") == 0)
        {
            return [];
        }

        return await _database.QueryAsync("SELECT version, name FROM rag_schema_versions WHERE component = @c ORDER BY version;",
            r => (r.GetInt32(0), r.GetString(1)), CancellationToken.None, new NpgsqlParameter("c", component)).Bounded();
    }

    private async Task<long> ScalarAsync(string sql) => (await _database.QueryAsync(sql, r => r.GetInt64(0), CancellationToken.None).Bounded())[0];

    /// <summary>Several data sources on one database, as separate replicas would have.</summary>
    private sealed class Replicas(int count, Func<PostgresDatabase> open) : IAsyncDisposable
    {
        public IReadOnlyList<PostgresDatabase> All { get; } = [.. Enumerable.Range(0, count).Select(_ => open())];

        public async ValueTask DisposeAsync()
        {
            foreach (var replica in All)
            {
                await replica.DisposeAsync();
            }
        }
    }
}
