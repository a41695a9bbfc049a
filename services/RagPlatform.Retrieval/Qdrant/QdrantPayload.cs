using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagPlatform.Retrieval.Qdrant;

/// <summary>
/// Maps points and filters to Qdrant's JSON. User fields are top-level payload keys (so filters and payload
/// indexes use them as they are); the original id, the text and the kinds JSON cannot tell apart (DateTime is a
/// string, Double 3.0 looks like Integer 3) ride along under keys starting with an underscore, which user field
/// names cannot.
/// </summary>
internal static class QdrantPayload
{
    public const string IdKey = "_rag_id";
    public const string TextKey = "_rag_text";
    public const string KindsKey = "_rag_kinds";

    public static JsonObject Encode(IndexPoint point)
    {
        var payload = new JsonObject { [IdKey] = point.Id, [TextKey] = point.Text };
        var kinds = new JsonObject();
        foreach (var (key, value) in point.Payload)
        {
            payload[key] = Value(value);
            if (value.Kind is PayloadKind.DateTime or PayloadKind.Double)
            {
                kinds[key] = value.Kind.ToString();
            }
        }

        if (kinds.Count > 0)
        {
            payload[KindsKey] = kinds;
        }

        return payload;
    }

    /// <summary>The id, text and typed fields of a payload written by <see cref="Encode"/>.</summary>
    public static (string Id, string Text, Dictionary<string, PayloadValue> Fields) Decode(JsonElement payload)
    {
        var kinds = payload.TryGetProperty(KindsKey, out var k) ? k : default;
        var fields = new Dictionary<string, PayloadValue>(StringComparer.Ordinal);
        foreach (var property in payload.EnumerateObject())
        {
            if (property.Name.StartsWith('_'))
            {
                continue;
            }

            var kind = kinds.ValueKind == JsonValueKind.Object && kinds.TryGetProperty(property.Name, out var declared)
                ? Enum.Parse<PayloadKind>(declared.GetString()!)
                : (PayloadKind?)null;
            fields[property.Name] = (kind, property.Value.ValueKind) switch
            {
                (PayloadKind.DateTime, JsonValueKind.String) => PayloadValue.From(ParseInstant(property.Value.GetString()!)),
                (PayloadKind.Double, JsonValueKind.Number) => PayloadValue.From(property.Value.GetDouble()),
                (_, JsonValueKind.String) => PayloadValue.From(property.Value.GetString()!),
                (_, JsonValueKind.Number) when property.Value.TryGetInt64(out var integer) => PayloadValue.From(integer),
                (_, JsonValueKind.Number) => PayloadValue.From(property.Value.GetDouble()),
                (_, JsonValueKind.True or JsonValueKind.False) => PayloadValue.From(property.Value.GetBoolean()),
                (_, JsonValueKind.Array) => PayloadValue.From(property.Value.EnumerateArray().Select(item => item.ToString())),
                _ => throw new InvalidDataException($"Payload field '{property.Name}' holds {property.Value.ValueKind}, which no payload kind maps."),
            };
        }

        var id = payload.TryGetProperty(IdKey, out var idElement) ? idElement.GetString() : null;
        var text = payload.TryGetProperty(TextKey, out var textElement) ? textElement.GetString() : null;
        return (id ?? throw new InvalidDataException($"A point lacks the '{IdKey}' payload key: not written by this adapter."), text ?? "", fields);
    }

    public static JsonObject? Filter(PointFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var json = new JsonObject();
        AddClause(json, "must", filter.Must);
        AddClause(json, "should", filter.Should);
        AddClause(json, "must_not", filter.MustNot);
        return json;
    }

    /// <summary>RFC 3339 as Qdrant parses it: no fraction when there is none, offsets as +hh:mm.</summary>
    public static string Instant(DateTimeOffset instant) => instant.ToString(
        instant.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz",
        CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseInstant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static void AddClause(JsonObject json, string name, IReadOnlyList<FilterCondition> conditions)
    {
        if (conditions.Count > 0)
        {
            json[name] = new JsonArray([.. conditions.Select(Condition)]);
        }
    }

    private static JsonNode Condition(FilterCondition condition) => condition switch
    {
        MatchValueCondition match => new JsonObject { ["key"] = match.Field, ["match"] = new JsonObject { ["value"] = Value(match.Value) } },
        MatchAnyCondition any => new JsonObject
        {
            ["key"] = any.Field,
            ["match"] = new JsonObject { ["any"] = new JsonArray([.. any.Values.Distinct().Select(Value)]) },
        },
        NumericRangeCondition range => new JsonObject
        {
            ["key"] = range.Field,
            ["range"] = Bounds(range.Gt, range.Gte, range.Lt, range.Lte, v => JsonValue.Create(v)),
        },
        DateRangeCondition range => new JsonObject
        {
            ["key"] = range.Field,
            ["range"] = Bounds(range.Gt, range.Gte, range.Lt, range.Lte, v => JsonValue.Create(Instant(v))),
        },
        _ => throw new ArgumentException($"Unsupported filter condition {condition.GetType().Name}.", nameof(condition)),
    };

    private static JsonObject Bounds<T>(T? gt, T? gte, T? lt, T? lte, Func<T, JsonNode> write)
        where T : struct
    {
        var bounds = new JsonObject();
        foreach (var (name, bound) in new[] { ("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte) })
        {
            if (bound is { } value)
            {
                bounds[name] = write(value);
            }
        }

        return bounds;
    }

    private static JsonNode Value(PayloadValue value) => value.Kind switch
    {
        PayloadKind.String => JsonValue.Create(value.AsString()),
        PayloadKind.Integer => JsonValue.Create(value.AsInteger()),
        PayloadKind.Double => JsonValue.Create(value.AsDouble()),
        PayloadKind.Bool => JsonValue.Create(value.AsBool()),
        PayloadKind.DateTime => JsonValue.Create(Instant(value.AsDateTime())),
        _ => new JsonArray([.. value.AsStringList().Select(item => (JsonNode)JsonValue.Create(item))]),
    };
}
