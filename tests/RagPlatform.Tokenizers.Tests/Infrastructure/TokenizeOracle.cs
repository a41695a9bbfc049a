using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>One result of tests/node/transformers/tokenize.mjs.</summary>
internal sealed record OracleEncoding(int[]? Ids, int[]? TypeIds, TokenOffset[]? Offsets, string? Decoded, string? Error);

internal static class OracleEngine
{
    /// <summary>@huggingface/transformers: the bar for parity.</summary>
    public const string TransformersJs = "transformers";

    /// <summary>The Rust tokenizers binding: reference for offsets and real truncation strategies.</summary>
    public const string RustTokenizers = "tokenizers";
}

internal static class TokenizeOracle
{
    // Several tests ask the same question (e.g. untruncated pairs); the answers are immutable, so ask once.
    private static readonly ConcurrentDictionary<string, Lazy<Task<List<OracleEncoding>>>> Answers = new();

    public static Task<List<OracleEncoding>> EncodeAsync(string engine, string modelDir,
        IEnumerable<(string Text, string? Pair)> items, int? maxLength = null, string? truncation = null, bool decode = false,
        bool skipSpecialTokens = false)
    {
        var request = new
        {
            engine,
            modelDir,
            items = items.Select(i => new { text = i.Text, pair = i.Pair }).ToList(),
            maxLength,
            truncation,
            decode,
            skipSpecialTokens,
        };
        return Answers.GetOrAdd(JsonSerializer.Serialize(request), _ => new Lazy<Task<List<OracleEncoding>>>(() => AskAsync(request))).Value;
    }

    private static async Task<List<OracleEncoding>> AskAsync(object request)
    {
        var response = await NodeOracle.RunAsync("tokenize.mjs", request);
        return response["results"]!.AsArray().Select(r => new OracleEncoding(
            Ints(r!["ids"]),
            Ints(r["typeIds"]),
            r["offsets"] is JsonArray offsets ? offsets.Select(o => new TokenOffset((int)o![0]!, (int)o[1]!)).ToArray() : null,
            (string?)r["decoded"],
            (string?)r["error"])).ToList();
    }

    private static int[]? Ints(JsonNode? node) => node is JsonArray array ? array.Select(n => (int)n!).ToArray() : null;
}
