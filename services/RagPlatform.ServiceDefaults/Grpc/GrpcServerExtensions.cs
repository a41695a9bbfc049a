using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RagPlatform.ServiceDefaults.Grpc;

public static class GrpcServerExtensions
{
    /// <summary>
    /// The gRPC server every internal service runs: grpc-dotnet on a cleartext HTTP/2 Kestrel endpoint (<c>Grpc:Url</c>),
    /// options from section "Grpc" (validated at start), the shared-token authentication and its authorization
    /// policy (the default one: <c>MapGrpcService&lt;T&gt;().RequireAuthorization()</c>), the one exception→status
    /// interceptor, call metrics, strict request parsing, grpc.health.v1 over ASP.NET Core health checks and server
    /// reflection.
    /// </summary>
    public static WebApplicationBuilder AddGrpcServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddValidatedOptions<GrpcServerOptions>(GrpcServerOptions.SectionName, o => o.Validate());
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var url = context.Configuration[$"{GrpcServerOptions.SectionName}:{nameof(GrpcServerOptions.Url)}"]
                ?? throw new InvalidOperationException("A gRPC host needs Grpc:Url (e.g. http://127.0.0.1:50051).");
            if (!GrpcEndpointAddress.TryParse(url, out var address, out var port))
            {
                throw new InvalidOperationException($"Grpc:Url must look like http://host:port (was '{url}').");
            }

            kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2);
        });

        // First added runs outermost: the metrics see the status the exception interceptor decided.
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<CallMetricsInterceptor>();
            grpc.Interceptors.Add<ExceptionStatusInterceptor>();
        });
        // Singletons: grpc-dotnet would otherwise build an interceptor (and its instruments) for every call.
        services.AddSingleton<CallMetricsInterceptor>();
        services.AddSingleton<ExceptionStatusInterceptor>();
        services.AddSingleton<IConfigureOptions<GrpcServiceOptions>, GrpcServiceOptionsSetup>();
        services.UseStrictMessageParsing();

        services.AddAuthentication(SharedTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SharedTokenAuthenticationHandler>(SharedTokenAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().SetDefaultPolicy(
            new AuthorizationPolicyBuilder(SharedTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());

        // "" is the server as a whole: SERVING while the process takes calls, whatever its services' readiness.
        services.AddGrpcHealthChecks(o => o.Services.Map("", check => check.Tags.Contains(ServiceReadinessExtensions.ServerTag)))
            .AddCheck("server", () => HealthCheckResult.Healthy(), [ServiceReadinessExtensions.ServerTag]);
        services.AddSingleton<ServiceReadiness>();
        services.AddGrpcReflection();
        services.AddSingleton<GrpcServerMarker>();
        return builder;
    }

    /// <summary>
    /// grpc.health.v1 (no token: probes carry no secrets) and, when <see cref="GrpcServerOptions.EnableReflection"/>
    /// (or Development), grpc.reflection, which requires the token like the services it describes.
    /// </summary>
    public static IEndpointRouteBuilder MapGrpcServerDefaults(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcHealthChecksService().AllowAnonymous();
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GrpcServerOptions>>().Value;
        if (options.ReflectionEnabled(endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>()))
        {
            endpoints.MapGrpcReflectionService().RequireAuthorization();
        }

        return endpoints;
    }

    internal static bool HasGrpcServer(this IServiceProvider services) => services.GetService<GrpcServerMarker>() is not null;

    internal sealed class GrpcServerMarker;
}
