using Microsoft.Extensions.Options;

namespace RagPlatform.Gateway.Auth;

/// <summary>
/// Before the gateway serves: stores the configured bootstrap key (<see cref="GatewayOptions.BootstrapApiKey"/>), or,
/// when none is configured and no key exists yet, generates the first admin key into {DataDirectory}/bootstrap-api-key
/// (readable by this user only, never logged). With a shared store, only the first replica ever to start finds no key.
/// </summary>
internal sealed class ApiKeyBootstrap(IApiKeyStore keys, IOptions<GatewayOptions> options, ILogger<ApiKeyBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var gateway = options.Value;
        if (gateway.BootstrapApiKey is { } configured)
        {
            await keys.ImportAsync(configured, "bootstrap", [ApiKey.AllCollections], admin: true, cancellationToken);
            return;
        }

        if (await keys.CreateFirstAsync("bootstrap", cancellationToken) is not { } first)
        {
            return;
        }

        var directory = Path.GetFullPath(gateway.DataDirectory);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "bootstrap-api-key");
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created readable by this user only, before the secret is in it.
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var writer = new StreamWriter(file, System.Text.Encoding.UTF8, create))
        {
            await writer.WriteAsync(first.Secret + "\n");
        }

        GatewayLog.BootstrapKeyWritten(logger, file);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
