using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using RagPlatform.Client;
using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.Apis;

/// <summary>
/// Reads a JSON request body with the gateway's rules: application/json only, at most Gateway:MaxJsonBodyBytes,
/// unknown fields refused (a misspelt option is an error, not a silent default), every failure a 4xx naming the cause.
/// The records are the clients' own (RagPlatform.Client), read through their generated JSON context.
/// </summary>
internal static class JsonBody
{
    private static readonly RagPlatformJsonContext Strict = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
    });

    public static async Task<T> ReadAsync<T>(HttpContext context)
        where T : class
    {
        var request = context.Request;
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw GatewayProblem.UnsupportedMediaType($"Send the body as application/json (was '{request.ContentType}').");
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.MaxJsonBodyBytes;
        if (request.ContentLength > limit)
        {
            throw GatewayProblem.TooLarge($"The body is {request.ContentLength} bytes; JSON bodies may be at most {limit} bytes.");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, (JsonTypeInfo<T>)Strict.GetTypeInfo(typeof(T))!, context.RequestAborted)
                ?? throw GatewayProblem.BadRequest("The body is JSON null; send an object.");
        }
        catch (JsonException ex)
        {
            // The serializer's own message names .NET types; say what the caller can act on instead.
            throw GatewayProblem.BadRequest(ex.Path is { Length: > 1 } path
                ? $"The body's field at {path} is unknown or has the wrong type."
                : $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}).");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw GatewayProblem.TooLarge($"The body is over the {limit}-byte limit for JSON bodies.");
        }
    }
}
