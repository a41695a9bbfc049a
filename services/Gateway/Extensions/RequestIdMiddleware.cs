using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace RagPlatform.Gateway.Extensions;

/// <summary>
/// Gives every request an id: the caller's X-Request-Id when it is a safe token, else a fresh one. It becomes the
/// request's TraceIdentifier (so it is in every log line's scope and every problem+json), is echoed in the response
/// and is passed to the orchestrator.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string Header = "X-Request-Id";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeId();

    public async Task InvokeAsync(HttpContext context)
    {
        var given = context.Request.Headers[Header].ToString();
        var id = SafeId().IsMatch(given) ? given : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        context.TraceIdentifier = id;
        // Set as the response starts, so an error handler that clears the response still sends it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = id }))
        {
            await next(context);
        }
    }
}
