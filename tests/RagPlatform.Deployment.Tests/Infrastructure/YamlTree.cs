using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// YAML read into <see cref="JsonNode"/> trees, which are easy to query and to mutate for negative tests. Scalars stay
/// strings (compose and Kubernetes interpret them per field, and "50051" vs 50051 must not matter here); plain empty,
/// <c>~</c> and <c>null</c> scalars become null. Merge keys (<c>&lt;&lt;: *anchor</c>) are expanded as Compose expands
/// them, and tags such as Compose's <c>!override</c> stay readable through <see cref="TagOf"/>.
/// </summary>
public static class YamlTree
{
    private const string MergeKey = "<<";
    private static readonly ConditionalWeakTable<JsonNode, string> Tags = [];

    /// <summary>Every document of a (possibly multi-document) YAML file; empty documents are skipped.</summary>
    public static IReadOnlyList<JsonNode> LoadFile(string path) => Parse(File.ReadAllText(path), path);

    public static IReadOnlyList<JsonNode> Parse(string text, string source = "<yaml>")
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{source} is not valid YAML: {ex.Message}", ex);
        }

        return [.. stream.Documents.Select(d => Convert(d.RootNode)).OfType<JsonNode>()];
    }

    /// <summary>The single document of <paramref name="path"/>, which must be a mapping.</summary>
    public static JsonObject LoadObject(string path) =>
        LoadFile(path) is [JsonObject single] ? single : throw new InvalidDataException($"{path} must hold exactly one YAML mapping.");

    /// <summary>The explicit tag the node carried in YAML (e.g. "!override"), or null.</summary>
    public static string? TagOf(JsonNode? node) => node is not null && Tags.TryGetValue(node, out var tag) ? tag : null;

    private static JsonNode? Convert(YamlNode node)
    {
        JsonNode? converted = node switch
        {
            YamlScalarNode scalar => ConvertScalar(scalar),
            YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
            YamlMappingNode mapping => ConvertMapping(mapping),
            _ => throw new InvalidDataException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
        };
        if (converted is not null && !node.Tag.IsEmpty && !node.Tag.IsNonSpecific)
        {
            Tags.AddOrUpdate(converted, node.Tag.Value);
        }

        return converted;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var isPlain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        return isPlain && value is "" or "~" or "null" or "Null" or "NULL" ? null : JsonValue.Create(value);
    }

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        var merged = new List<JsonObject>();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode { Value: { } k } ? k : throw new InvalidDataException($"Non-scalar mapping key at {key.Start}.");
            if (name == MergeKey && key is YamlScalarNode { Style: ScalarStyle.Plain })
            {
                // YAML merge: one mapping or a sequence of them; their keys fill in what the mapping does not say.
                var sources = value is YamlSequenceNode many ? many.Children : [value];
                merged.AddRange(sources.Select(s => Convert(s) as JsonObject
                    ?? throw new InvalidDataException($"A merge key must reference mappings (at {value.Start}).")));
                continue;
            }

            if (result.ContainsKey(name))
            {
                throw new InvalidDataException($"Duplicate key '{name}' at {key.Start}.");
            }

            result[name] = Convert(value);
        }

        foreach (var source in merged)
        {
            foreach (var (name, value) in source)
            {
                if (!result.ContainsKey(name))
                {
                    result[name] = value?.DeepClone();
                }
            }
        }

        return result;
    }
}
