using Microsoft.Extensions.Options;
using RagPlatform.Orchestrator.Answering;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Orchestrator.Ingestion;
using RagPlatform.Orchestrator.Services;
using RagPlatform.Orchestrator.Storage;
using RagPlatform.Retrieval;
using RagPlatform.ServiceDefaults;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Orchestrator.Extensions;

public static class OrchestratorExtensions
{
    public static readonly string[] HealthServices = ["rag.v1.Collections", "rag.v1.Answers"];

    /// <summary>
    /// The gRPC server, options, the index, the model services' typed clients behind their resilience pipelines,
    /// ingestion and answering.
    /// </summary>
    public static WebApplicationBuilder AddOrchestrator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrpcServer();
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

        services.AddModelServiceClient<Contracts.V1.Embedder.EmbedderClient>("Embedder");
        services.AddModelServiceClient<Contracts.V1.Reranker.RerankerClient>("Reranker");
        services.AddModelServiceClient<Contracts.V1.Generator.GeneratorClient>("Generator");
        services.AddSingleton<ModelServices>();
        services.AddHostedService<ModelInfoRefresher>();
        services.AddSingleton(sp => new ModelTokenizers(sp.GetRequiredService<ModelServices>(), DataPath(sp, "tokenizers")));
        services.AddSingleton<IExceptionStatusMapper, OrchestratorStatusMapper>();
        foreach (var name in HealthServices)
        {
            services.AddServiceReadiness(name);
        }

        services.AddSingleton(sp => OpenIndex(sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value, sp.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<IndexLifetime>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestionSettings>>().Value);
        services.AddDocumentStore();
        services.AddSingleton<DocumentLibrary>();
        services.AddHostedService<IngestionWorker>();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AnsweringOptions>>().Value);
        services.AddSingleton<PassageRetriever>();
        services.AddSingleton<PassageReranker>();
        services.AddSingleton<PromptBuilder>();
        services.AddSingleton<AnswerGenerator>();
        services.AddSingleton<ExtractiveAnswerer>();
        services.AddSingleton<AnswerPipeline>();
        services.AddSingleton<PassageSearch>();

        services.AddSingleton<CollectionsService>();
        services.AddSingleton<AnswersService>();
        services.AddSingleton<ModelsService>();
        return builder;
    }

    /// <summary>rag.v1.Collections, rag.v1.Answers and rag.v1.Models, for callers presenting the internal token.</summary>
    public static WebApplication MapOrchestrator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<CollectionsService>().RequireAuthorization();
        app.MapGrpcService<AnswersService>().RequireAuthorization();
        app.MapGrpcService<ModelsService>().RequireAuthorization();
        return app;
    }

    /// <summary>A model service's typed client, at Downstream:{name}:Url (or its Addresses), 16 MiB answers allowed.</summary>
    private static void AddModelServiceClient<TClient>(this IServiceCollection services, string name)
        where TClient : class =>
        services.AddInternalGrpcClient<TClient>(name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<DownstreamOptions>>().Get(name);
            return new GrpcClientTarget(options.Url, options.Addresses) { MaxReceiveMessageSize = 16 * 1024 * 1024 };
        });

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
