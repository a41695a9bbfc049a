using Microsoft.Extensions.Options;
using RagPlatform.Generator.Generation;
using RagPlatform.Generator.Services;
using RagPlatform.ModelHosting;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Generator.Extensions;

public static class GeneratorExtensions
{
    public const string HealthService = "rag.v1.Generator";

    /// <summary>
    /// The gRPC server, the model lifecycle (validate, load and warm in the background), the admission queue and
    /// metrics.
    /// </summary>
    public static WebApplicationBuilder AddGenerator(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrpcServer();
        builder.Services.AddModelLifecycle(new ModelRecipe<GeneratorModel, GeneratorOptions>(
            GeneratorOptions.SectionName, HealthService, GeneratorModel.Open, GeneratorModel.Warm, m => m.Generator.Model));
        builder.Services.AddModelServiceMetrics(GeneratorMetrics.MeterName);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GeneratorOptions>>().Value;
            return new SequenceAdmission(options.MaxConcurrentSequences, options.MaxQueuedRequests);
        });
        builder.Services.AddSingleton(sp => new GenerateRequestReader(sp.GetRequiredService<IOptions<GeneratorOptions>>().Value));
        builder.Services.AddSingleton<GeneratorMetrics>();
        builder.Services.AddSingleton<GeneratorService>();
        return builder;
    }

    /// <summary>rag.v1.Generator, for callers presenting the internal token.</summary>
    public static WebApplication MapGenerator(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<GeneratorService>().RequireAuthorization();
        return app;
    }
}
