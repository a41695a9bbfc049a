using System.Text.Json.Serialization;

namespace RagPlatform.Tokenizers.Loading;

[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class TokenizerJsonContext : JsonSerializerContext;
