using System.IO.Compression;
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
            var bytes = content.ToArray();
            RefuseBombs(bytes);
            using var stream = new MemoryStream(bytes, writable: false);
            using var document = WordprocessingDocument.Open(stream, false, new OpenSettings { MaxCharactersInPart = options.MaxUnpackedBytes });
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

    /// <summary>Sums what the archive says its parts unpack to, before anything is inflated.</summary>
    private void RefuseBombs(byte[] bytes)
    {
        using var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        var unpacked = 0L;
        foreach (var entry in archive.Entries)
        {
            unpacked += entry.Length;
            if (unpacked > options.MaxUnpackedBytes)
            {
                throw new DocumentRejectedException(
                    $"The .docx unpacks to more than {options.MaxUnpackedBytes} bytes (a {bytes.Length}-byte file); it is refused as a decompression bomb.");
            }
        }
    }

    private static int? HeadingLevel(string? style) => style switch
    {
        "Title" => 1,
        ['H', 'e', 'a', 'd', 'i', 'n', 'g', var digit] when digit is >= '1' and <= '9' => digit - '0',
        _ => null,
    };
}
