using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// A stream as OpenAI writes one: text/event-stream of unnamed events, each <c>data: {json}</c> and a blank line,
/// ended by <c>data: [DONE]</c>. Each event is flushed as it is written.
/// </summary>
internal static class OpenAiStream
{
    public static void Begin(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }

    public static async Task WriteAsync<T>(Stream body, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await body.WriteAsync("data: "u8.ToArray(), cancellationToken);
        await JsonSerializer.SerializeAsync(body, value, type, cancellationToken);
        await body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    public static async Task DoneAsync(Stream body, CancellationToken cancellationToken)
    {
        await body.WriteAsync("data: [DONE]\n\n"u8.ToArray(), cancellationToken);
        await body.FlushAsync(cancellationToken);
    }
}
