using Microsoft.Extensions.DependencyInjection;

namespace RagPlatform.ServiceDefaults.Models;

public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from <see cref="ModelRecipe{TModel,TOptions}.Section"/> (validated at
    /// start), registers the <see cref="ModelHost{TModel}"/> handlers read the model from, and the hosted service that
    /// checks, loads and warms it and reports its health. Call once per model.
    /// </summary>
    public static IServiceCollection AddModelLifecycle<TModel, TOptions>(this IServiceCollection services, ModelRecipe<TModel, TOptions> recipe)
        where TModel : class, IDisposable
        where TOptions : ModelServiceOptions
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(recipe);
        services.AddValidatedOptions<TOptions>(recipe.Section, options => options.Validate(recipe.Section));
        services.AddSingleton(recipe);
        services.AddSingleton(new ModelHost<TModel>(recipe.HealthService));
        services.AddHostedService<ModelLifecycleService<TModel, TOptions>>();
        return services;
    }
}
