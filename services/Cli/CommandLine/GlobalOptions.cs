using System.CommandLine;
using System.Text.Json;
using RagPlatform.Cli.Platform;

namespace RagPlatform.Cli.CommandLine;

/// <summary>Where the gateway is and which key to present; resolved once per command.</summary>
internal sealed record GatewayTarget(Uri Url, string? ApiKey, string ApiKeySource);

/// <summary>
/// --gateway and --api-key, accepted by every command. Resolution order, most specific first:
/// the option, the environment variable (RAG_GATEWAY / RAG_API_KEY), what `rag up` recorded in the state directory,
/// then the default (http://127.0.0.1:8080; no key).
/// </summary>
internal sealed class GlobalOptions
{
    public const string DefaultGateway = "http://127.0.0.1:8080";

    public Option<string?> Gateway { get; } = new("--gateway")
    {
        Description = $"Gateway base URL (default: ${CliEnvironment.GatewayVariable}, the platform `rag up` started, or {DefaultGateway}).",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"API key for the gateway (default: ${CliEnvironment.ApiKeyVariable}, or the key `rag up` saved in <state>/api-key).",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Gateway.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && ParseUrl(value) is null)
            {
                result.AddError($"--gateway must be an absolute http:// or https:// URL (was '{value}').");
            }
        });
    }

    public GatewayTarget Resolve(ParseResult result, CliEnvironment environment)
    {
        var home = RagHome.Locate(environment);
        var url = result.GetValue(Gateway) ?? environment.Get(CliEnvironment.GatewayVariable) ?? RecordedGateway(home) ?? DefaultGateway;
        var parsed = ParseUrl(url) ?? throw CliException.Usage($"The gateway URL '{url}' is not an absolute http:// or https:// URL.");
        if (result.GetValue(ApiKey) is { Length: > 0 } key)
        {
            return new GatewayTarget(parsed, key, "--api-key");
        }

        if (environment.Get(CliEnvironment.ApiKeyVariable) is { } fromEnvironment)
        {
            return new GatewayTarget(parsed, fromEnvironment, CliEnvironment.ApiKeyVariable);
        }

        if (home is not null && File.Exists(home.ApiKeyFile))
        {
            return new GatewayTarget(parsed, File.ReadAllText(home.ApiKeyFile).Trim(), home.ApiKeyFile);
        }

        return new GatewayTarget(parsed, null, "none");
    }

    internal static Uri? ParseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    private static string? RecordedGateway(RagHome? home)
    {
        if (home is null || !File.Exists(home.PlatformFile))
        {
            return null;
        }

        try
        {
            return PlatformRecord.Read(home.PlatformFile)?.GatewayUrl;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            // A damaged record only loses the convenience; the default still applies.
            return null;
        }
    }
}
