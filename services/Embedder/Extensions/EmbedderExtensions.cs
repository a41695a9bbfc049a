using Microsoft.Extensions.Options;
using RagPlatform.Embedder.Batching;
using RagPlatform.Embedder.Services;
using RagPlatform.Inference.Embeddings;
using RagPlatform.ModelHosting;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Embedder.Extensions;

public static class EmbedderExtensions
{
    public const string HealthService = "rag.v1.Embedder";

    /// <summary>The gRPC server, the embedding model (loaded and warmed in the background), the batcher and metrics.</summary>
    public static WebApplicationBuilder AddEmbedder(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrpcServer();
        builder.Services.AddModelLifecycle(new ModelRecipe<TextEmbedder, EmbedderOptions>(
            EmbedderOptions.SectionName,
            HealthService,
            Open: (runtime, directory, options) => TextEmbedder.Open(runtime, directory, new TextEmbedderOptions
            {
                Session = options.SessionOptions,
                MaxBatchSize = options.MaxBatchSize,
            }),
            Warm: (embedder, cancellationToken) => embedder.Embed(["warm-up"], EmbeddingRole.Passage, cancellationToken),
            Describe: embedder => embedder.Model));
        builder.Services.AddModelServiceMetrics("RagPlatform.Embedder");
        builder.Services.AddSingleton(sp =>
        {
            var model = sp.GetRequiredService<ModelHost<TextEmbedder>>();
            return new EmbeddingBatcher(
                (texts, role, cancellationToken) => model.Model.Embed(texts, role, cancellationToken),
                sp.GetRequiredService<IOptions<EmbedderOptions>>().Value.Batching(),
                sp.GetRequiredService<ModelServiceMetrics>(),
                sp.GetRequiredService<ILogger<EmbeddingBatcher>>());
        });
        builder.Services.AddSingleton<EmbedderService>();
        return builder;
    }

    /// <summary>rag.v1.Embedder, for callers presenting the internal token.</summary>
    public static WebApplication MapEmbedder(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<EmbedderService>().RequireAuthorization();
        return app;
    }
}
