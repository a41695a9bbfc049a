using System.Globalization;
using System.Text.Json.Nodes;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>
/// Qdrant's filter semantics over a JSON payload, written from Qdrant's documentation independently of the
/// embedded index's evaluator: a condition on a missing key is false; match on an array payload matches any
/// element; a range with string bounds is a datetime range.
/// </summary>
internal static class FakeQdrantFilter
{
    public static bool Matches(JsonNode? filter, JsonObject payload)
    {
        if (filter is not JsonObject clauses)
        {
            return true;
        }

        foreach (var (clause, value) in clauses)
        {
            var conditions = value switch
            {
                null => [],
                JsonArray array => array.ToList(),
                _ => [value],
            };
            var passed = clause switch
            {
                "must" => conditions.All(c => Holds(c!, payload)),
                "must_not" => !conditions.Any(c => Holds(c!, payload)),
                "should" => conditions.Count == 0 || conditions.Any(c => Holds(c!, payload)),
                _ => throw new FakeQdrantException(400, $"Filter clause '{clause}' is not supported by the fake"),
            };
            if (!passed)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Holds(JsonNode condition, JsonObject payload)
    {
        var fields = condition.AsObject();
        if (!fields.ContainsKey("key"))
        {
            return fields.ContainsKey("must") || fields.ContainsKey("should") || fields.ContainsKey("must_not")
                ? Matches(fields, payload)
                : throw new FakeQdrantException(400, $"Condition {condition.ToJsonString()} is not supported by the fake");
        }

        if (!payload.TryGetPropertyValue(fields["key"]!.GetValue<string>(), out var stored) || stored is null)
        {
            return false;
        }

        var values = stored is JsonArray many ? many.Where(v => v is not null).Select(v => v!).ToList() : [stored];
        if (fields["match"] is JsonObject match)
        {
            if (match["value"] is { } wanted)
            {
                return values.Any(v => SameScalar(v, wanted));
            }

            if (match["any"] is JsonArray any)
            {
                return values.Any(v => any.Any(a => SameScalar(v, a!)));
            }

            throw new FakeQdrantException(400, $"Match {match.ToJsonString()} is not supported by the fake");
        }

        if (fields["range"] is JsonObject range)
        {
            return values.Any(v => InRange(v, range));
        }

        throw new FakeQdrantException(400, $"Condition {condition.ToJsonString()} is not supported by the fake");
    }

    /// <summary>Keyword, integer or bool equality; an integer never equals a fractional number.</summary>
    private static bool SameScalar(JsonNode stored, JsonNode wanted)
    {
        var a = stored.ToElement();
        var b = wanted.ToElement();
        return (a.ValueKind, b.ValueKind) switch
        {
            (System.Text.Json.JsonValueKind.String, System.Text.Json.JsonValueKind.String) => a.GetString() == b.GetString(),
            (System.Text.Json.JsonValueKind.Number, System.Text.Json.JsonValueKind.Number) =>
                a.TryGetInt64(out var x) && b.TryGetInt64(out var y) && x == y,
            (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False, _) => a.ValueKind == b.ValueKind,
            _ => false,
        };
    }

    private static bool InRange(JsonNode stored, JsonObject range)
    {
        var element = stored.ToElement();
        foreach (var (bound, limitNode) in range)
        {
            if (limitNode is null)
            {
                continue;
            }

            var limit = limitNode.ToElement();
            int comparison;
            if (limit.ValueKind == System.Text.Json.JsonValueKind.String)
            {
                if (element.ValueKind != System.Text.Json.JsonValueKind.String ||
                    !DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
                {
                    return false;
                }

                comparison = instant.CompareTo(DateTimeOffset.Parse(limit.GetString()!, CultureInfo.InvariantCulture));
            }
            else
            {
                if (element.ValueKind != System.Text.Json.JsonValueKind.Number)
                {
                    return false;
                }

                comparison = element.GetDouble().CompareTo(limit.GetDouble());
            }

            var holds = bound switch
            {
                "gt" => comparison > 0,
                "gte" => comparison >= 0,
                "lt" => comparison < 0,
                "lte" => comparison <= 0,
                _ => throw new FakeQdrantException(400, $"Range bound '{bound}' is unknown"),
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}

internal static class JsonNodeExtensions
{
    /// <summary>A node as an element, however the node was made (parsed or built).</summary>
    public static System.Text.Json.JsonElement ToElement(this JsonNode node) =>
        System.Text.Json.JsonSerializer.SerializeToElement(node);
}

/// <summary>An error the fake answers with Qdrant's error shape.</summary>
internal sealed class FakeQdrantException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
