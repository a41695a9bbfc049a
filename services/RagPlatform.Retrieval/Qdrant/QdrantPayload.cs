using System.Globalization;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace RagPlatform.Retrieval.Qdrant;

/// <summary>
/// Maps points to Qdrant's gRPC payload (a map of <see cref="Value"/>). User fields are top-level keys, so filters and
/// payload indexes use them as they are. The original id, the text, the replace generation and the kinds a Value
/// cannot carry (DateTime is a string; a Double that is whole may come back as an integer) ride along under keys
/// starting with an underscore, which user field names cannot.
/// </summary>
internal static class QdrantPayload
{
    public const string IdKey = "_rag_id";
    public const string TextKey = "_rag_text";
    public const string KindsKey = "_rag_kinds";

    /// <summary>The write that put the point there (see <see cref="QdrantIndex.ReplaceWhereAsync"/>).</summary>
    public const string GenerationKey = "_rag_gen";

    public static void Encode(IndexPoint point, string generation, MapField<string, Value> payload)
    {
        payload[IdKey] = new Value { StringValue = point.Id };
        payload[TextKey] = new Value { StringValue = point.Text };
        payload[GenerationKey] = new Value { StringValue = generation };
        var kinds = new Struct();
        foreach (var (key, value) in point.Payload)
        {
            payload[key] = ToValue(value);
            if (value.Kind is PayloadKind.DateTime or PayloadKind.Double)
            {
                kinds.Fields[key] = new Value { StringValue = value.Kind.ToString() };
            }
        }

        if (kinds.Fields.Count > 0)
        {
            payload[KindsKey] = new Value { StructValue = kinds };
        }
    }

    /// <summary>The id, text and typed fields of a payload written by <see cref="Encode"/>.</summary>
    public static (string Id, string Text, Dictionary<string, PayloadValue> Fields) Decode(MapField<string, Value> payload)
    {
        var kinds = payload.TryGetValue(KindsKey, out var k) && k.KindCase == Value.KindOneofCase.StructValue ? k.StructValue.Fields : null;
        var fields = new Dictionary<string, PayloadValue>(StringComparer.Ordinal);
        foreach (var (name, value) in payload)
        {
            if (name.StartsWith('_'))
            {
                continue;
            }

            var kind = kinds is not null && kinds.TryGetValue(name, out var declared) ? Enum.Parse<PayloadKind>(declared.StringValue) : (PayloadKind?)null;
            fields[name] = (kind, value.KindCase) switch
            {
                (PayloadKind.DateTime, Value.KindOneofCase.StringValue) => PayloadValue.From(ParseInstant(value.StringValue)),
                (PayloadKind.Double, Value.KindOneofCase.IntegerValue) => PayloadValue.From((double)value.IntegerValue),
                (_, Value.KindOneofCase.StringValue) => PayloadValue.From(value.StringValue),
                (_, Value.KindOneofCase.IntegerValue) => PayloadValue.From(value.IntegerValue),
                (_, Value.KindOneofCase.DoubleValue) => PayloadValue.From(value.DoubleValue),
                (_, Value.KindOneofCase.BoolValue) => PayloadValue.From(value.BoolValue),
                (_, Value.KindOneofCase.ListValue) => PayloadValue.From(value.ListValue.Values.Select(item => item.StringValue)),
                _ => throw new InvalidDataException($"Payload field '{name}' holds {value.KindCase}, which no payload kind maps."),
            };
        }

        var id = payload.TryGetValue(IdKey, out var idValue) ? idValue.StringValue : null;
        var text = payload.TryGetValue(TextKey, out var textValue) ? textValue.StringValue : "";
        return (id is { Length: > 0 } ? id : throw new InvalidDataException($"A point lacks the '{IdKey}' payload key: not written by this index."),
            text, fields);
    }

    /// <summary>RFC 3339 as Qdrant parses it: no fraction when there is none, offsets as +hh:mm.</summary>
    public static string Instant(DateTimeOffset instant) => instant.ToString(
        instant.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:sszzz" : "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz",
        CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseInstant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static Value ToValue(PayloadValue value) => value.Kind switch
    {
        PayloadKind.String => new Value { StringValue = value.AsString() },
        PayloadKind.Integer => new Value { IntegerValue = value.AsInteger() },
        PayloadKind.Double => new Value { DoubleValue = value.AsDouble() },
        PayloadKind.Bool => new Value { BoolValue = value.AsBool() },
        PayloadKind.DateTime => new Value { StringValue = Instant(value.AsDateTime()) },
        _ => new Value { ListValue = new ListValue { Values = { value.AsStringList().Select(item => new Value { StringValue = item }) } } },
    };
}
