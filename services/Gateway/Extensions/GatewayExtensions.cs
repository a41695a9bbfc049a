using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Client;
using RagPlatform.Contracts.V1;
using RagPlatform.Gateway.Apis;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Errors;
using RagPlatform.Gateway.Mcp;
using RagPlatform.Gateway.OpenAi;
using RagPlatform.Gateway.Storage;
using RagPlatform.ServiceDefaults;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Gateway.Extensions;

public static class GatewayExtensions
{
    /// <summary>The rate-limiting policy name that marks the answer route: it also takes one of the key's answer slots.</summary>
    public const string AskPolicy = "ask";

    /// <summary>Options, the HTTP endpoint, the orchestrator clients, API keys, rate limits and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName, o => o.Validate());
        var options = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (Uri.TryCreate(options.Url, UriKind.Absolute, out var url))
            {
                var address = url.IsLoopback && url.HostNameType == UriHostNameType.Dns ? IPAddress.Loopback
                    : url.Host is "*" or "+" or "0.0.0.0" ? IPAddress.Any : IPAddress.Parse(url.Host.Trim('[', ']'));
                kestrel.Listen(address, url.Port, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            }

            // JSON bodies are small; the upload endpoint raises its own limit.
            kestrel.Limits.MaxRequestBodySize = options.MaxJsonBodyBytes;
        });

        // The orchestrator's clients share its address and limits; each gets its own channel from the factory.
        services.AddInternalGrpcClient<Collections.CollectionsClient>("Collections", OrchestratorTarget);
        services.AddInternalGrpcClient<Answers.AnswersClient>("Answers", OrchestratorTarget);
        services.AddInternalGrpcClient<Models.ModelsClient>("Models", OrchestratorTarget);
        services.AddInternalGrpcClient<Grpc.Health.V1.Health.HealthClient>("Health", OrchestratorTarget);
        services.AddGatewayStore();
        services.AddOpenAiApi();

        // Responses are written with the clients' own records and their generated JSON context.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, RagPlatformJsonContext.Default));
        services.AddProblemDetails();
        // Binding failures (a malformed query value) throw, so the one error mapping answers them with problem+json.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi();
        services.AddGatewayMcp();
        return builder;
    }

    /// <summary>
    /// The request pipeline (request ids, one error mapping, API keys, then rate limits) and the endpoints: probes, UI,
    /// collections, documents, answers, keys and the OpenAPI document.
    /// </summary>
    public static WebApplication MapGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<ProblemMiddleware>();
        // 404/405 and other bodiless refusals from routing get a problem+json body too.
        app.UseStatusCodePages();
        app.UseMiddleware<ApiKeyAuthentication>();
        app.UseKeyLimits();
        app.MapOpenApi().AddEndpointFilter(async (context, next) =>
            context.HttpContext.GetRouteValue("documentName") as string == "v1"
                ? await next(context)
                : Results.Problem(statusCode: 404, title: "Not found", detail: "The only OpenAPI document is /openapi/v1.json."));
        app.MapSystemApi();
        app.MapUi();
        app.MapCollectionsApi();
        app.MapDocumentsApi();
        app.MapAskApi();
        app.MapSearchApi();
        app.MapKeysApi();
        app.MapOpenAiApi();
        app.MapGatewayMcp();
        return app;
    }

    private static GrpcClientTarget OrchestratorTarget(IServiceProvider services)
    {
        var gateway = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        return new GrpcClientTarget(gateway.OrchestratorUrl)
        {
            MaxSendMessageSize = (int)Math.Min(int.MaxValue, gateway.MaxUploadBytes + (1024 * 1024)),
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        };
    }
}
