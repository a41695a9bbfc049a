using Microsoft.Extensions.Options;
using RagPlatform.Inference.Reranking;
using RagPlatform.ModelHosting;
using RagPlatform.ModelHosting.Batching;
using RagPlatform.Reranker.Services;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Reranker.Extensions;

public static class RerankerExtensions
{
    public const string HealthService = "rag.v1.Reranker";

    /// <summary>The gRPC server, the cross-encoder (loaded and warmed in the background), the batcher and metrics.</summary>
    public static WebApplicationBuilder AddReranker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrpcServer();
        builder.Services.AddModelLifecycle(new ModelRecipe<CrossEncoder, RerankerOptions>(
            RerankerOptions.SectionName,
            HealthService,
            Open: (runtime, directory, options) => CrossEncoder.Open(runtime, directory, new CrossEncoderOptions
            {
                Session = options.SessionOptions,
                MaxBatchSize = options.MaxBatchSize,
            }),
            Warm: (encoder, cancellationToken) => encoder.Score("warm-up", ["warm-up"], sigmoid: false, cancellationToken),
            Describe: encoder => encoder.Model));
        builder.Services.AddModelServiceMetrics("RagPlatform.Reranker");
        builder.Services.AddSingleton(sp =>
        {
            var model = sp.GetRequiredService<ModelHost<CrossEncoder>>();
            return new ModelBatcher<(string Query, string Passage), PairScore>(
                (pairs, cancellationToken) => model.Model.Score(pairs, sigmoid: false, cancellationToken),
                sp.GetRequiredService<IOptions<RerankerOptions>>().Value.Batching(),
                sp.GetRequiredService<ModelServiceMetrics>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("RagPlatform.Reranker.Batching"),
                "Scored",
                "pairs");
        });
        builder.Services.AddSingleton<RerankerService>();
        return builder;
    }

    /// <summary>rag.v1.Reranker, for callers presenting the internal token.</summary>
    public static WebApplication MapReranker(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<RerankerService>().RequireAuthorization();
        return app;
    }
}
