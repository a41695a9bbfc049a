using System.IO.Compression;
using System.Text;
using RagPlatform.Ingestion.Parsing;

namespace RagPlatform.Ingestion.Tests.Parsing;

/// <summary>A .docx is a zip: one that unpacks to far more than it weighs is refused before it is inflated.</summary>
[Trait("Category", "Unit")]
public sealed class DecompressionBombTests
{
    [Fact]
    public async Task Docx_PartUnpackingPastTheLimit_RejectedAsABomb()
    {
        var parsers = new DocumentParsers(new ParsingOptions { MaxUnpackedBytes = 4 * 1024 * 1024 });
        var bomb = Docx(new string(' ', 16 * 1024 * 1024));

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => parsers.ParseAsync("bomb.docx", bomb, CancellationToken.None));

        Assert.Contains("decompression bomb", error.Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < 100 * 1024, $"the bomb is {bomb.Length} bytes: it should be tiny compressed");
    }

    [Fact]
    public async Task Docx_ArchiveLyingAboutItsSizes_CutOffWhileRead()
    {
        // The central directory says the part is small; the XML reader's own character limit still stops it.
        var parsers = new DocumentParsers(new ParsingOptions { MaxUnpackedBytes = 64 * 1024 });
        var paragraphs = string.Concat(Enumerable.Repeat("<w:p><w:r><w:t>filler text</w:t></w:r></w:p>", 5_000));
        var docx = Docx(paragraphs);

        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => parsers.ParseAsync("big.docx", docx, CancellationToken.None));

        Assert.True(error.Message.Contains("bomb", StringComparison.Ordinal) || error.Message.Contains("not a readable", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public async Task Docx_UnderTheLimit_Parsed()
    {
        var parsers = new DocumentParsers(new ParsingOptions());

        var document = await parsers.ParseAsync("ok.docx", Docx("<w:p><w:r><w:t>Small and honest.</w:t></w:r></w:p>"), CancellationToken.None);

        Assert.Equal("Small and honest.", document.Text.Trim());
    }

    /// <summary>A minimal valid .docx whose body is <paramref name="body"/>.</summary>
    private static byte[] Docx(string body)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            Add(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
            Add(zip, "word/document.xml", $"""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>""");
        }

        return output.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
