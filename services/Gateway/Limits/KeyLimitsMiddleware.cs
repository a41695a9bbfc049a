using Microsoft.AspNetCore.RateLimiting;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Errors;
using RagPlatform.Gateway.Extensions;

namespace RagPlatform.Gateway.Limits;

/// <summary>
/// After authentication: every request of a key takes a token from its bucket, and the answer route (marked with the
/// <see cref="GatewayExtensions.AskPolicy"/> rate-limiting policy) also holds one of the key's answer slots until the
/// response ends. Over either limit: 429 with Retry-After. Anonymous routes (health, UI files) pass untouched.
/// </summary>
public sealed class KeyLimitsMiddleware(RequestDelegate next, IKeyLimiter limiter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (ApiKeyAuthentication.KeyOf(context) is not { } key)
        {
            await next(context);
            return;
        }

        if (!await limiter.TryTakeRequestAsync(key.Id, context.RequestAborted))
        {
            await RejectAsync(context);
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName != GatewayExtensions.AskPolicy)
        {
            await next(context);
            return;
        }

        await using var slot = await limiter.TryStartAskAsync(key.Id, context.RequestAborted);
        if (slot is null)
        {
            await RejectAsync(context);
            return;
        }

        await next(context);
    }

    private static Task RejectAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "1";
        return Problems.WriteAsync(context, Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests",
            "This API key is over its request rate or concurrent answers; retry after a second.", context));
    }
}
