using System.Diagnostics.Metrics;
using RagPlatform.Inference.Reranking;
using RagPlatform.Reranker.Services;
using RagPlatform.ServiceDefaults;
using RagPlatform.ServiceDefaults.Models;

namespace RagPlatform.Reranker.Extensions;

public static class RerankerExtensions
{
    public const string HealthService = "rag.v1.Reranker";

    /// <summary>The cross-encoder (loaded and warmed in the background), metrics and the gRPC service.</summary>
    public static WebApplicationBuilder AddReranker(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
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
        builder.Services.AddSingleton(sp => new ModelServiceMetrics(sp.GetRequiredService<IMeterFactory>(), "RagPlatform.Reranker"));
        builder.Services.AddSingleton<RerankerService>();
        return builder;
    }
}
