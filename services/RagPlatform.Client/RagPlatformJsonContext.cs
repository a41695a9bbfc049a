using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagPlatform.Client;

/// <summary>
/// The JSON of the gateway's HTTP API (camelCase, web defaults), generated at build time. The gateway writes its
/// responses with it and reads request bodies with it (stricter options, its own); clients read and write with it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CollectionResource))]
[JsonSerializable(typeof(CreateCollectionRequest))]
[JsonSerializable(typeof(CollectionList))]
[JsonSerializable(typeof(DocumentResource))]
[JsonSerializable(typeof(DocumentList))]
[JsonSerializable(typeof(UploadResult))]
[JsonSerializable(typeof(AskRequest))]
[JsonSerializable(typeof(AnswerResource))]
[JsonSerializable(typeof(AnswerToken))]
[JsonSerializable(typeof(IReadOnlyList<CitationResource>))]
[JsonSerializable(typeof(AnswerDone))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(SearchResult))]
[JsonSerializable(typeof(KeyResource))]
[JsonSerializable(typeof(CreateKeyRequest))]
[JsonSerializable(typeof(CreatedKey))]
[JsonSerializable(typeof(KeyList))]
[JsonSerializable(typeof(ModelsResource))]
[JsonSerializable(typeof(ApiProblem))]
public sealed partial class RagPlatformJsonContext : JsonSerializerContext
{
    /// <summary>For request bodies: optional fields left null are left out, so the gateway's defaults apply.</summary>
    public static RagPlatformJsonContext Requests { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
