using Grpc.Core;
using RagPlatform.Storage;

namespace RagPlatform.Gateway.Errors;

/// <summary>
/// The choke point every failure passes: refusals and orchestrator statuses become problem+json with the request id;
/// a client that went away is not an error; anything unexpected is logged and answered 500 without its details.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or RpcException or IOException)
        {
            GatewayLog.ClientWentAway(logger, context.Request.Path);
        }
        catch (Exception ex)
        {
            if (ex is not (GatewayProblem or OpenAi.OpenAiException or RpcException or BadHttpRequestException or StoreUnavailableException))
            {
                GatewayLog.Unhandled(logger, context.Request.Path, ex);
            }

            if (context.Response.HasStarted)
            {
                // A stream (SSE) already under way reports its own errors; here the connection can only be cut.
                context.Abort();
                return;
            }

            context.Response.Clear();
            await (OpenAi.OpenAiErrors.Applies(context) ? OpenAi.OpenAiErrors.WriteAsync(context, ex) : Problems.WriteAsync(context, Problems.From(ex, context)));
        }
    }
}
