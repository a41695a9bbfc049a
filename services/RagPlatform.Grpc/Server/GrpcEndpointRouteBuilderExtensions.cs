using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace RagPlatform.Grpc;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <paramref name="descriptor"/> onto the same-named public method of
    /// <typeparamref name="TService"/> (resolved from DI per call). Throws at once if a method is
    /// missing, has the wrong signature, or is client/bidirectional streaming.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcService<TService>(this IEndpointRouteBuilder endpoints, Google.Protobuf.Reflection.ServiceDescriptor descriptor)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var runtime = endpoints.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException("Call services.AddGrpcTransport() before mapping gRPC services.");
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService && !isService.IsService(typeof(TService)))
        {
            throw new InvalidOperationException($"{typeof(TService).FullName} is not registered: add it to the services (e.g. AddSingleton<{typeof(TService).Name}>()) before MapGrpcService.");
        }

        var conventions = GrpcServiceBinder.Bind<TService>(descriptor, runtime)
            .Select(bound => endpoints.MapPost(bound.Path, bound.Handler).WithDisplayName($"gRPC - {bound.Path}"))
            .ToList();
        if (runtime.TryClaimUnimplementedMapping())
        {
            MapUnimplemented(endpoints, runtime);
        }

        return new CompositeConventionBuilder(conventions);
    }

    /// <summary>Maps grpc.health.v1.Health, answering from <see cref="HealthStatusRegistry"/>.</summary>
    public static IEndpointConventionBuilder MapGrpcHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<HealthService>(HealthReflection.Descriptor.Services[0]);

    // Any other two-segment POST with a gRPC content type gets UNIMPLEMENTED instead of a 404.
    // Literal method routes always win over these parameters.
    private static void MapUnimplemented(IEndpointRouteBuilder endpoints, GrpcServerRuntime runtime)
    {
        var pattern = RoutePatternFactory.Parse(
            "{unimplementedService}/{unimplementedMethod}",
            defaults: null,
            parameterPolicies: new RouteValueDictionary { ["unimplementedMethod"] = new GrpcContentTypeConstraint() });
        endpoints.Map(pattern, httpContext =>
            {
                if (GrpcRequestValidation.TryAccept(httpContext, runtime))
                {
                    GrpcServerLog.Unimplemented(runtime.Logger, httpContext.Request.Path);
                    GrpcRequestValidation.WriteTrailersOnly(httpContext.Response, StatusCode.Unimplemented, $"Method '{httpContext.Request.Path}' is unimplemented.");
                }

                return Task.CompletedTask;
            })
            .WithMetadata(new HttpMethodMetadata(["POST"]))
            .WithDisplayName("gRPC - unimplemented");
    }

    private sealed class GrpcContentTypeConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            httpContext is not null && GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType);
    }

    private sealed class CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }
    }
}
