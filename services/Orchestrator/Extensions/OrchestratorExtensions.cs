using Microsoft.Extensions.Options;
using RagPlatform.Grpc;
using RagPlatform.Orchestrator.Answering;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Orchestrator.Ingestion;
using RagPlatform.Orchestrator.Services;
using RagPlatform.Orchestrator.Storage;
using RagPlatform.Retrieval;
using RagPlatform.ServiceDefaults;

namespace RagPlatform.Orchestrator.Extensions;

public static class OrchestratorExtensions
{
    public static readonly string[] HealthServices = ["rag.v1.Collections", "rag.v1.Answers"];

    /// <summary>Options, the index, the model services behind their resilience pipelines, ingestion and answering.</summary>
    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddValidatedOptions<OrchestratorOptions>(OrchestratorOptions.SectionName, o => o.Validate());
        services.AddValidatedOptions<IngestionSettings>(IngestionSettings.SectionName, o => o.Validate());
        services.AddValidatedOptions<AnsweringOptions>(AnsweringOptions.SectionName, o => o.Validate());
        foreach (var downstream in new[] { "Embedder", "Reranker", "Generator" })
        {
            var section = $"{DownstreamOptions.SectionName}:{downstream}";
            services.AddValidatedOptions<DownstreamOptions>(section, o => o.Validate(section), downstream);
        }

        services.AddSingleton<IExceptionStatusMapper, OrchestratorStatusMapper>();
        services.AddSingleton<ModelServices>();
        services.AddSingleton(sp => OpenIndex(sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<IndexLifetime>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestionSettings>>().Value);
        services.AddDocumentStore();
        services.AddSingleton(sp => new EmbedderTokenizer(sp.GetRequiredService<ModelServices>(), DataPath(sp, "tokenizers")));
        services.AddSingleton<DocumentLibrary>();
        services.AddHostedService<IngestionWorker>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AnsweringOptions>>().Value);
        services.AddSingleton<PassageRetriever>();
        services.AddSingleton<PassageReranker>();
        services.AddSingleton<PromptBuilder>();
        services.AddSingleton<AnswerGenerator>();
        services.AddSingleton<AnswerPipeline>();

        services.AddSingleton<CollectionsService>();
        services.AddSingleton<AnswersService>();
        return builder;
    }

    private static IPointIndex OpenIndex(OrchestratorOptions options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(OrchestratorExtensions).FullName!);
        if (options.Index == IndexProvider.Qdrant)
        {
            var qdrant = options.QdrantIndex();
            OrchestratorLog.IndexOpened(logger, "Qdrant", qdrant.ToString());
            return new QdrantIndex(qdrant, loggers);
        }

        var embedded = options.EmbeddedIndex();
        // Start-up only: the index loads its collections into memory before the service reports SERVING.
        var index = EmbeddedIndex.OpenAsync(embedded, loggers.CreateLogger<EmbeddedIndex>()).GetAwaiter().GetResult();
        OrchestratorLog.IndexOpened(logger, "embedded", embedded.RootDirectory);
        return index;
    }

    private static string DataPath(IServiceProvider services, string name) =>
        Path.Combine(services.GetRequiredService<IOptions<OrchestratorOptions>>().Value.FullDataDirectory, name);
}
