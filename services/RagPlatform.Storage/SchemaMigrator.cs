using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace RagPlatform.Storage;

/// <summary>
/// Versioned schema migrations, applied at start-up by every replica. Each component (the orchestrator's documents, the
/// gateway's keys and limits) has an ordered list; rag_schema_versions records what was applied. The whole check-and-
/// apply runs in ONE transaction under a transaction-scoped advisory lock, so replicas starting together apply each
/// step exactly once (the others wait, then find it done), a failed step leaves nothing half-applied, and a process
/// killed meanwhile releases the lock with its connection. A database already past this build's newest version is
/// refused: an older binary must not run against tables it does not understand.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The advisory lock key of migrations ("ragschem" as 8 ASCII bytes): one for every component.</summary>
    private const long MigrationLock = 0x72616773_6368656D;

    /// <returns>The component's schema version after the call.</returns>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, string component, IReadOnlyList<SchemaMigration> migrations,
        ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(logger);
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"The migrations of {component} must be numbered 1, 2, 3, ... (found {migrations[i].Version} at position {i + 1}).", nameof(migrations));
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, new NpgsqlParameter("key", MigrationLock)).ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS rag_schema_versions (
                component text NOT NULL,
                version integer NOT NULL,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (component, version));
            """, cancellationToken).ConfigureAwait(false);

        await using (var current = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM rag_schema_versions WHERE component = @component;", connection))
        {
            current.Parameters.AddWithValue("component", component);
            var version = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            if (version > migrations.Count)
            {
                throw new SchemaTooNewException(
                    $"The database's {component} schema is at version {version}, newer than this build knows (up to {migrations.Count}): " +
                    "it was migrated by a newer release. Run that release (or a newer one), or point this one at another database.");
            }

            foreach (var migration in migrations.Skip(version))
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, "INSERT INTO rag_schema_versions (component, version, name) VALUES (@component, @version, @name);",
                    cancellationToken, new NpgsqlParameter("component", component), new NpgsqlParameter("version", migration.Version),
                    new NpgsqlParameter("name", migration.Name)).ConfigureAwait(false);
                StorageLog.MigrationApplied(logger, component, migration.Version, migration.Name);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return migrations.Count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = PostgresDatabase.Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

internal static partial class StorageLog
{
    [LoggerMessage(1, LogLevel.Information, "Applied schema migration {Component} {Version}: {Name}.")]
    public static partial void MigrationApplied(ILogger logger, string component, int version, string name);
}
