using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// The JSON of the OpenAI-compatible routes (snake_case), generated at build time. Requests are read with
/// <see cref="Strict"/>: an unknown field is refused as OpenAI refuses it ("Unrecognized request argument").
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EmbeddingsRequest))]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(EmbeddingList))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(ChatCompletion))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(RerankResponse))]
[JsonSerializable(typeof(OpenAiErrorEnvelope))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext
{
    public static OpenAiJsonContext Strict { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
    });
}
