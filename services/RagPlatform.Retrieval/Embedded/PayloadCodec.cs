using System.Globalization;
using System.Text.Json;

namespace RagPlatform.Retrieval.Embedded;

/// <summary>
/// Payloads as stored in SQLite: a JSON object of field → [kind tag, value], so every kind (a DateTime is not a
/// string, a Double 3.0 is not an Integer 3) survives the round trip exactly.
/// </summary>
internal static class PayloadCodec
{
    public static string Encode(IReadOnlyDictionary<string, PayloadValue> payload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in payload.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteStartArray(key);
                switch (value.Kind)
                {
                    case PayloadKind.String:
                        writer.WriteStringValue("s");
                        writer.WriteStringValue(value.AsString());
                        break;
                    case PayloadKind.Integer:
                        writer.WriteStringValue("i");
                        writer.WriteNumberValue(value.AsInteger());
                        break;
                    case PayloadKind.Double:
                        writer.WriteStringValue("d");
                        writer.WriteNumberValue(value.AsDouble());
                        break;
                    case PayloadKind.Bool:
                        writer.WriteStringValue("b");
                        writer.WriteBooleanValue(value.AsBool());
                        break;
                    case PayloadKind.DateTime:
                        writer.WriteStringValue("t");
                        writer.WriteStringValue(value.AsDateTime().ToString("O", CultureInfo.InvariantCulture));
                        break;
                    case PayloadKind.StringList:
                        writer.WriteStringValue("l");
                        writer.WriteStartArray();
                        foreach (var item in value.AsStringList())
                        {
                            writer.WriteStringValue(item);
                        }

                        writer.WriteEndArray();
                        break;
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyDictionary<string, PayloadValue> Decode(string json)
    {
        using var document = JsonDocument.Parse(json);
        var payload = new Dictionary<string, PayloadValue>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value[1];
            payload[property.Name] = property.Value[0].GetString() switch
            {
                "s" => PayloadValue.From(value.GetString()!),
                "i" => PayloadValue.From(value.GetInt64()),
                "d" => PayloadValue.From(value.GetDouble()),
                "b" => PayloadValue.From(value.GetBoolean()),
                "t" => PayloadValue.From(DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)),
                "l" => PayloadValue.From(value.EnumerateArray().Select(item => item.GetString()!)),
                var tag => throw new InvalidDataException($"Unknown payload kind tag '{tag}'."),
            };
        }

        return payload;
    }
}
