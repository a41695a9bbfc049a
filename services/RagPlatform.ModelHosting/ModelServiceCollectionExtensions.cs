using System.Diagnostics.Metrics;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RagPlatform.Inference.Runtime;
using RagPlatform.ServiceDefaults;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.ModelHosting;

public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <see cref="ModelRecipe{TModel,TOptions}.Section"/> (validated at
    /// start), registers the process's ONNX Runtime session factory (section "OnnxRuntime": execution provider, log level), the <see cref="ModelHost{TModel}"/> handlers
    /// read the model from, and the hosted service that checks, loads and warms it and reports its readiness under
    /// <see cref="ModelRecipe{TModel,TOptions}.HealthService"/>. Call once per model.
    /// </summary>
    public static IServiceCollection AddModelLifecycle<TModel, TOptions>(this IServiceCollection services, ModelRecipe<TModel, TOptions> recipe)
        where TModel : class, IDisposable
        where TOptions : ModelServiceOptions
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(recipe);
        services.AddValidatedOptions<TOptions>(recipe.Section, options => options.Validate(recipe.Section));
        services.TryAddSingleton(sp => CreateOnnxSessionFactory(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(recipe);
        services.AddSingleton(new ModelHost<TModel>(recipe.HealthService));
        services.AddServiceReadiness(recipe.HealthService);
        services.AddHostedService<ModelLifecycleService<TModel, TOptions>>();
        return services;
    }

    /// <summary><see cref="ModelServiceMetrics"/> (batch sizes, queue depth) on meter <paramref name="meterName"/>.</summary>
    public static IServiceCollection AddModelServiceMetrics(this IServiceCollection services, string meterName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new ModelServiceMetrics(sp.GetRequiredService<IMeterFactory>(), meterName));
        return services;
    }

    private static OnnxSessionFactory CreateOnnxSessionFactory(IConfiguration configuration)
    {
        var options = configuration.GetSection(OnnxRuntimeOptions.SectionName).Get<OnnxRuntimeOptions>() ?? new OnnxRuntimeOptions();
        try
        {
            return OnnxSessionFactory.Create(options);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new ModelStartupException(ex.Message, ex);
        }
    }
}
