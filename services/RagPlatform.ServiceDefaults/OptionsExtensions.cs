using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RagPlatform.ServiceDefaults;

public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> (named <paramref name="name"/>, or the default) from configuration section
    /// <paramref name="section"/> and checks it at start-up: every message <paramref name="validate"/> yields stops the
    /// host, naming the key to fix.
    /// </summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, string section,
        Func<TOptions, IEnumerable<string>> validate, string? name = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        name ??= Options.DefaultName;
        services.AddOptions<TOptions>(name).BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new Validator<TOptions>(name, validate));
        return services;
    }

    private sealed class Validator<TOptions>(string name, Func<TOptions, IEnumerable<string>> validate) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? optionsName, TOptions options)
        {
            if (optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = validate(options).ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
