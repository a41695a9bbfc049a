using System.Net;
using RagPlatform.Client;

namespace RagPlatform.Testing;

/// <summary>How a call through RagPlatformClient ended, as the HTTP status a plain client would have seen.</summary>
public static class GatewayOutcome
{
    /// <returns>
    /// <paramref name="success"/> and the result when the call returned; the refusal's status when the gateway refused
    /// it; a null status when no HTTP answer came at all (the gateway is down).
    /// </returns>
    public static async Task<(HttpStatusCode? Status, T? Result)> OfAsync<T>(Func<Task<T>> call, HttpStatusCode success = HttpStatusCode.OK)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return (success, await call());
        }
        catch (RagPlatformException ex)
        {
            return (ex.StatusCode, default);
        }
        catch (HttpRequestException)
        {
            return (null, default);
        }
    }
}
