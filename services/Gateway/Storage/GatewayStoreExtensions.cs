using Microsoft.Extensions.Options;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Limits;
using RagPlatform.ServiceDefaults;
using RagPlatform.Storage;

namespace RagPlatform.Gateway.Storage;

public static class GatewayStoreExtensions
{
    /// <summary>
    /// API keys (<see cref="IApiKeyStore"/>, bootstrapped before the gateway serves) and per-key limits
    /// (<see cref="IKeyLimiter"/>), kept where Gateway:Store says; PostgreSQL is migrated at start-up.
    /// </summary>
    public static IServiceCollection AddGatewayStore(this IServiceCollection services)
    {
        services.AddValidatedOptions<GatewayStoreOptions>(GatewayOptions.SectionName, o => o.Validate());
        services.AddOptions<GatewayStoreOptions>().PostConfigure<IConfiguration>((options, configuration) =>
            options.PostgresConnectionString ??= configuration.GetConnectionString(StoreOptions.ConnectionStringName));
        services.AddSingleton(sp => OpenDatabase(sp));
        services.AddSingleton<IApiKeyStore>(sp => sp.GetRequiredService<SharedDatabase>().Database is { } database
            ? new PostgresApiKeyStore(database, sp.GetRequiredService<IOptions<GatewayStoreOptions>>().Value.KeyCacheTtl, TimeProvider.System)
            : SqliteApiKeyStore.Open(Path.Combine(Path.GetFullPath(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory), "keys.db")));
        services.AddSingleton<IKeyLimiter>(sp => sp.GetRequiredService<SharedDatabase>().Database is { } database
            ? new PostgresKeyLimiter(database, sp.GetRequiredService<IOptions<GatewayOptions>>().Value,
                sp.GetRequiredService<IOptions<GatewayStoreOptions>>().Value.AskLeaseDuration)
            : new InProcessKeyLimiter(sp.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.AddHostedService<ApiKeyBootstrap>();
        return services;
    }

    /// <summary>Holds every key's requests to its limits (after authentication, before the endpoints).</summary>
    public static IApplicationBuilder UseKeyLimits(this IApplicationBuilder app) => app.UseMiddleware<KeyLimitsMiddleware>();

    private static SharedDatabase OpenDatabase(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<GatewayStoreOptions>>().Value;
        if (options.Store == StoreKind.Embedded)
        {
            return new SharedDatabase(null);
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayStoreExtensions).FullName!);
        var database = new PostgresDatabase(options.Postgres(), "ragplatform-gateway");
        try
        {
            // Start-up only: the schema must be current before the first request is served.
            database.MigrateAsync(GatewaySchema.Component, GatewaySchema.Migrations, logger, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (StoreUnavailableException e)
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new InvalidOperationException($"PostgreSQL at {database.Location} could not be reached at start-up: {e.InnerException?.Message}", e);
        }

        GatewayStoreLog.Opened(logger, database.Location);
        return new SharedDatabase(database);
    }

    /// <summary>The gateway's database when Gateway:Store is Postgres (closed with the host).</summary>
    private sealed record SharedDatabase(PostgresDatabase? Database) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Database?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}

internal static partial class GatewayStoreLog
{
    [LoggerMessage(101, LogLevel.Information, "API keys and per-key limits are kept in PostgreSQL at {Location}.")]
    public static partial void Opened(ILogger logger, string location);
}
