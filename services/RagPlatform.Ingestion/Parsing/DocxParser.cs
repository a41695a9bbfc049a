using System.IO.Packaging;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace RagPlatform.Ingestion.Parsing;

/// <summary>.docx: body paragraphs in order; Title and Heading1..9 styles start sections.</summary>
internal sealed class DocxParser(ParsingOptions options) : IDocumentParser
{
    public IReadOnlyCollection<string> Extensions { get; } = [".docx"];

    public Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = new MemoryStream(content.ToArray(), writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            var body = document.MainDocumentPart?.Document?.Body ?? throw new DocumentRejectedException("The .docx has no document body.");
            var builder = new SectionedTextBuilder(options.MaxExtractedCharacters);
            foreach (var paragraph in body.Descendants<Paragraph>())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = string.Concat(paragraph.Descendants<Text>().Select(t => t.Text));
                var style = paragraph.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
                if (HeadingLevel(style) is { } level && !string.IsNullOrWhiteSpace(text))
                {
                    builder.Title ??= level == 1 ? text.Trim() : null;
                    builder.Heading(level, text);
                }
                else
                {
                    builder.Block(text);
                }
            }

            return Task.FromResult(builder.Build());
        }
        catch (Exception e) when (e is OpenXmlPackageException or FileFormatException or InvalidDataException or System.Xml.XmlException)
        {
            throw new DocumentRejectedException("The file is not a readable .docx: " + e.Message, e);
        }
    }

    private static int? HeadingLevel(string? style) => style switch
    {
        "Title" => 1,
        ['H', 'e', 'a', 'd', 'i', 'n', 'g', var digit] when digit is >= '1' and <= '9' => digit - '0',
        _ => null,
    };
}
