using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RagPlatform.Ingestion.Parsing;

/// <summary>
/// .json (one object, or an array of objects) and .jsonl (one object per line): each record is a section, its text
/// fields (<see cref="ParsingOptions.JsonTextFields"/>) the text, its other scalar fields the section metadata.
/// </summary>
internal sealed class JsonRecordsParser(ParsingOptions options) : IDocumentParser
{
    public IReadOnlyCollection<string> Extensions { get; } = [".json", ".jsonl", ".ndjson"];

    public Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var text = TextDecoding.Utf8(content.Span); // validates UTF-8 with a clear reason before the JSON reader sees it
        var builder = new SectionedTextBuilder(options.MaxExtractedCharacters);
        var documentOptions = new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth };
        var ordinal = 0;
        try
        {
            if (text.TrimStart().StartsWith('['))
            {
                using var document = JsonDocument.Parse(text, documentOptions);
                foreach (var record in document.RootElement.EnumerateArray())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    AddRecord(record, ++ordinal, builder);
                }
            }
            else if (text.TrimStart().StartsWith('{') && !LooksLikeLines(text))
            {
                using var document = JsonDocument.Parse(text, documentOptions);
                AddRecord(document.RootElement, ++ordinal, builder);
            }
            else
            {
                foreach (var line in text.Split('\n'))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (line.Trim().Length > 0)
                    {
                        using var document = JsonDocument.Parse(line, documentOptions);
                        AddRecord(document.RootElement, ++ordinal, builder);
                    }
                }
            }
        }
        catch (JsonException e)
        {
            throw new DocumentRejectedException($"Invalid JSON in record {ordinal + 1}: {e.Message}", e);
        }

        return Task.FromResult(builder.Build());
    }

    private static bool LooksLikeLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 && lines.All(l => l.StartsWith('{') && l.EndsWith('}'));
    }

    private void AddRecord(JsonElement record, int ordinal, SectionedTextBuilder builder)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw new DocumentRejectedException($"JSON record {ordinal} is a {record.ValueKind}, not an object.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in record.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            (options.JsonTextFields.Contains(property.Name) ? texts : metadata)[property.Name] = value;
        }

        var title = record.TryGetProperty(options.JsonTitleField, out var t) && t.ValueKind == JsonValueKind.String
            ? SectionedTextBuilder.Normalize(t.GetString()!)
            : "Record " + ordinal.ToString(CultureInfo.InvariantCulture);
        builder.Section([title], metadata);
        var body = new StringBuilder();
        foreach (var field in options.JsonTextFields.Where(texts.ContainsKey))
        {
            body.Append(texts[field]).Append("\n\n");
        }

        foreach (var paragraph in body.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            builder.Block(paragraph);
        }
    }
}
