using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.Auth;

/// <summary>
/// Every route except the health endpoints and the static web UI needs <c>Authorization: Bearer &lt;key&gt;</c>; the
/// key found is attached to the request for the per-collection checks and the rate limiter. No key, or an unknown
/// one: 401 with a WWW-Authenticate challenge.
/// </summary>
public sealed class ApiKeyAuthentication(RequestDelegate next, IApiKeyStore keys)
{
    private static readonly object ItemKey = new();

    public static ApiKey? KeyOf(HttpContext context) => context.Items.TryGetValue(ItemKey, out var key) ? (ApiKey?)key : null;

    /// <summary>The request's key; only called on routes behind this middleware, where one is always present.</summary>
    public static ApiKey RequireKey(HttpContext context) =>
        KeyOf(context) ?? throw new InvalidOperationException("The route was reached without API key authentication.");

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsPublic(context.Request.Path))
        {
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        var key = header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            ? await keys.VerifyAsync(header[Bearer.Length..].Trim(), context.RequestAborted)
            : null;
        if (key is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ragplatform\"";
            await Problems.WriteAsync(context, Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
                header.Length == 0 ? "This API needs a key: send Authorization: Bearer <key>." : "The API key is not valid.", context));
            return;
        }

        context.Items[ItemKey] = key;
        await next(context);
    }

    /// <summary>Health probes (no secrets in a probe) and the UI's static files (they hold no data; the UI asks for a key).</summary>
    private static bool IsPublic(PathString path) =>
        path == "/healthz" || path == "/readyz" || path == "/" || path == "/app.js" || path == "/app.css" || path == "/favicon.ico";
}
