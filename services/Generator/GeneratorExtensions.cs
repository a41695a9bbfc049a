using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;
using RagPlatform.Generator.Generation;
using RagPlatform.Grpc;
using RagPlatform.ServiceDefaults.Models;

namespace RagPlatform.Generator;

internal static class GeneratorExtensions
{
    public const string HealthService = "rag.v1.Generator";

    /// <summary>The model lifecycle (validate, load and warm in the background), the admission queue, metrics and the service.</summary>
    public static IHostApplicationBuilder AddGenerator(this IHostApplicationBuilder builder)
    {
        builder.Services.AddModelLifecycle(new ModelRecipe<GeneratorModel, GeneratorOptions>(
            GeneratorOptions.SectionName, HealthService, GeneratorModel.Open, GeneratorModel.Warm, m => m.Generator.Model));
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

    public static WebApplication MapGenerator(this WebApplication app)
    {
        app.MapGrpcService<GeneratorService>(GeneratorReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Generator"));
        return app;
    }
}
