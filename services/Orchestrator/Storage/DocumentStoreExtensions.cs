using Microsoft.Extensions.Options;
using RagPlatform.Ingestion.Status;
using RagPlatform.Orchestrator.Ingestion;
using RagPlatform.ServiceDefaults;
using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Storage;

public static class DocumentStoreExtensions
{
    /// <summary>PostgreSQL keeps blobs as bytea; one value cannot exceed 1 GiB.</summary>
    private const long MaxPostgresBlobBytes = 1L << 30;

    /// <summary>
    /// The document store (<see cref="IDocumentStore"/>) and the upload store (<see cref="IBlobStore"/>) chosen by
    /// Orchestrator:Store, opened at start-up (PostgreSQL: migrated first, every replica safely at once).
    /// </summary>
    public static IServiceCollection AddDocumentStore(this IServiceCollection services)
    {
        services.AddValidatedOptions<OrchestratorStoreOptions>(OrchestratorOptions.SectionName, o => o.Validate());
        services.AddOptions<OrchestratorStoreOptions>().PostConfigure<IConfiguration>((options, configuration) =>
            options.PostgresConnectionString ??= configuration.GetConnectionString(StoreOptions.ConnectionStringName));
        services.AddSingleton(Open);
        services.AddSingleton(sp => sp.GetRequiredService<OrchestratorStore>().Documents);
        services.AddSingleton(sp => sp.GetRequiredService<OrchestratorStore>().Blobs);
        return services;
    }

    private static OrchestratorStore Open(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<OrchestratorStoreOptions>>().Value;
        var orchestrator = services.GetRequiredService<IOptions<OrchestratorOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DocumentStoreExtensions).FullName!);
        if (options.Store == StoreKind.Embedded)
        {
            var documents = SqliteDocumentStore.Open(Path.Combine(orchestrator.FullDataDirectory, "documents.db"), options.QueueLeaseDuration);
            return new OrchestratorStore(documents, new FileBlobStore(Path.Combine(orchestrator.FullDataDirectory, "uploads")), documents);
        }

        var maxUpload = services.GetRequiredService<IOptions<IngestionSettings>>().Value.MaxUploadBytes;
        if (maxUpload > MaxPostgresBlobBytes)
        {
            throw new InvalidOperationException(
                $"{IngestionSettings.SectionName}:MaxUploadBytes ({maxUpload}) exceeds what PostgreSQL stores in one value (1 GiB); lower it or use Orchestrator:Store=Embedded.");
        }

        if (orchestrator.Index == IndexProvider.Embedded)
        {
            // Allowed (one replica may keep its state in a managed database), but a second replica would index into
            // its own disk and answer from it: several replicas need Orchestrator:Index=Qdrant.
            StoreLog.EmbeddedIndexWithSharedStore(logger);
        }

        var database = new PostgresDatabase(options.Postgres(), "ragplatform-orchestrator");
        try
        {
            // Start-up only: the schema must be current before the first call is served.
            database.MigrateAsync(OrchestratorSchema.Component, OrchestratorSchema.Migrations, logger, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (StoreUnavailableException e)
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new InvalidOperationException($"PostgreSQL at {database.Location} could not be reached at start-up: {e.InnerException?.Message}", e);
        }

        StoreLog.Opened(logger, database.Location);
        return new OrchestratorStore(new PostgresDocumentStore(database, options.QueueLeaseDuration), new PostgresBlobStore(database), database);
    }
}

/// <summary>The opened stores and what must be closed with them.</summary>
internal sealed class OrchestratorStore(IDocumentStore documents, IBlobStore blobs, object owned) : IAsyncDisposable
{
    public IDocumentStore Documents { get; } = documents;

    public IBlobStore Blobs { get; } = blobs;

    public async ValueTask DisposeAsync()
    {
        switch (owned)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}

internal static partial class StoreLog
{
    [LoggerMessage(101, LogLevel.Information, "Documents, their queue and uploads are kept in PostgreSQL at {Location}.")]
    public static partial void Opened(ILogger logger, string location);

    [LoggerMessage(102, LogLevel.Warning, "Orchestrator:Store is Postgres but Orchestrator:Index is Embedded: run ONE replica only (each replica would index into its own disk). Several replicas need Orchestrator:Index=Qdrant.")]
    public static partial void EmbeddedIndexWithSharedStore(ILogger logger);
}
