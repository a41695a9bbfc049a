using Grpc.Core;
using Grpc.Health.V1;
using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.Apis;

/// <summary>/healthz (the process is up) and /readyz (the orchestrator answers and serves), both without a key.</summary>
public static class SystemApi
{
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).WithTags("Health").ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).WithTags("Health").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, Health.HealthClient health)
    {
        try
        {
            var status = (await health.CheckAsync(new HealthCheckRequest { Service = "rag.v1.Answers" },
                deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: context.RequestAborted)).Status;
            if (status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return Results.Ok(new { status = "ready" });
            }

            return Unready(context, $"The orchestrator reports {status}.");
        }
        catch (RpcException ex)
        {
            return Unready(context, $"The orchestrator is unreachable: {ex.Status.Detail}");
        }
    }

    private static IResult Unready(HttpContext context, string detail) =>
        Results.Json(Problems.Create(StatusCodes.Status503ServiceUnavailable, "Not ready", detail, context), statusCode: 503, contentType: "application/problem+json");
}
