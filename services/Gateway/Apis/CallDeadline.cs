using Grpc.Core;
using Microsoft.Extensions.Options;

namespace RagPlatform.Gateway.Apis;

internal static class CallDeadline
{
    /// <summary>
    /// Options for one orchestrator call on behalf of an HTTP request: bounded by Gateway:CallTimeout (or the given
    /// budget), cancelled when the client goes away, carrying the request id.
    /// </summary>
    public static CallOptions For(HttpContext context, TimeSpan? budget = null)
    {
        var timeout = budget ?? context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.CallTimeout;
        return new CallOptions(
            headers: new Metadata { { "x-request-id", context.TraceIdentifier } },
            deadline: DateTime.UtcNow + timeout,
            cancellationToken: context.RequestAborted);
    }
}
