using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// Reads an OpenAI request body: JSON (any content type that says so, as OpenAI clients send it), at most
/// OpenAi:MaxBodyBytes, unknown fields refused; every failure a 4xx OpenAI error naming the field.
/// </summary>
internal static class OpenAiBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType || !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new OpenAiException(StatusCodes.Status415UnsupportedMediaType, $"Send the body as application/json (was '{request.ContentType}').");
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<OpenAiOptions>>().Value.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // Kestrel's limit is the gateway's JSON limit; these routes carry many texts and have their own.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, context.RequestAborted)
                ?? throw OpenAiException.Invalid("The body is JSON null; send an object.", null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } path ? path[2..] : null;
            throw OpenAiException.Invalid(field is null
                ? $"We could not parse the JSON body of your request (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})."
                : $"Invalid or unrecognized request argument at '{field}'.", field);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
    }

    private static OpenAiException TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The body is over the {limit}-byte limit of these routes (OpenAi:MaxBodyBytes).", null, "request_too_large");
}
