using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using RagPlatform.Ingestion.Parsing;

namespace RagPlatform.Ingestion.Tests.Parsing;

[Trait("Category", "Unit")]
public sealed class ParserTests
{
    private readonly DocumentParsers _parsers = new(new ParsingOptions { MaxJsonDepth = 16, ParseTimeout = TimeSpan.FromSeconds(20) });

    private Task<ParsedDocument> ParseAsync(string name, string text) => ParseAsync(name, Encoding.UTF8.GetBytes(text));

    private Task<ParsedDocument> ParseAsync(string name, byte[] bytes) =>
        _parsers.ParseAsync(name, bytes, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    private static string[] Paths(ParsedDocument document) => [.. document.Sections.Select(s => string.Join(" > ", s.Path))];

    private static string Body(ParsedDocument document, int section) =>
        document.Text[document.Sections[section].Start..document.Sections[section].End];

    [Fact]
    public async Task PlainText_KeepsParagraphs()
    {
        var document = await ParseAsync("a.txt", "First para.\r\n\r\nSecond para.");

        Assert.Equal("First para.\n\nSecond para.", Body(document, 0));
        Assert.Empty(document.Sections[0].Path);
    }

    [Fact]
    public async Task Markdown_HeadingsBecomeTheSectionTrail_AndCodeIsKept()
    {
        var document = await ParseAsync("a.md", "# Tutorial\n\nIntro *text*.\n\n## Lists\n\n- one\n- two\n\n```\nvar x = 1;\n```\n\n# Other\n\nEnd.");

        Assert.Equal(["Tutorial", "Tutorial > Lists", "Other"], Paths(document));
        Assert.Equal("Intro text.", Body(document, 0));
        Assert.Equal("one\n\ntwo\n\nvar x = 1;", Body(document, 1));
        Assert.Equal("Tutorial", document.Title);
    }

    [Fact]
    public async Task Html_DropsFurniture_AndUsesHeadings()
    {
        var document = await ParseAsync("a.html", """
            <html><head><title>Guide</title><style>p{}</style></head><body>
            <nav><a>Home</a></nav><header>Site header</header>
            <h1>Install</h1><p>Run   the
            installer.</p><script>alert(1)</script>
            <h2>Linux</h2><ul><li>apt</li></ul>
            <footer>Copyright</footer><aside>Ads</aside></body></html>
            """);

        Assert.Equal("Guide", document.Title);
        Assert.Equal(["Install", "Install > Linux"], Paths(document));
        Assert.Equal("Run the installer.", Body(document, 0));
        Assert.Equal("apt", Body(document, 1));
        Assert.DoesNotContain("Copyright", document.Text);
        Assert.DoesNotContain("Home", document.Text);
    }

    [Fact]
    public async Task Docx_HeadingStylesBecomeSections()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            main.Document = new Document(new Body(
                Para("Report", "Heading1"), Para("Summary text.", null), Para("Details", "Heading2"), Para("More text.", null)));
        }

        var document = await ParseAsync("a.docx", stream.ToArray());

        Assert.Equal(["Report", "Report > Details"], Paths(document));
        Assert.Equal("Summary text.", Body(document, 0));
        Assert.Equal("More text.", Body(document, 1));

        static Paragraph Para(string text, string? style)
        {
            var paragraph = new Paragraph(new Run(new Text(text)));
            if (style is not null)
            {
                paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
            }

            return paragraph;
        }
    }

    [Fact]
    public async Task Pdf_PagesBecomeSections()
    {
        var document = await ParseAsync("a.pdf", TinyPdf.Build("Hello page one", "Second page here"));

        Assert.Equal(["Page 1", "Page 2"], Paths(document));
        Assert.Contains("Hello page one", Body(document, 0));
        Assert.Contains("Second page here", Body(document, 1));
    }

    [Fact]
    public async Task Pdf_Corrupt_FailsWithAReason()
    {
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => ParseAsync("bad.pdf", "%PDF-1.4\n garbage \x01\x02 no xref"));
        Assert.Contains("PDF", error.Message);
    }

    [Fact]
    public async Task ZeroByteFile_FailsWithAReason()
    {
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => ParseAsync("empty.pdf", []));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public async Task InvalidUtf8_FailsWithAReason()
    {
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => ParseAsync("bad.txt", [0x61, 0xC3, 0x28, 0x62]));
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public async Task Json_RecordsBecomeSections_OtherFieldsMetadata()
    {
        var document = await ParseAsync("a.json", """[{"title":"A","text":"Alpha body.","lang":"en"},{"text":"Beta body.","year":2020}]""");

        Assert.Equal(["A", "Record 2"], Paths(document));
        Assert.Equal("A\n\nAlpha body.", Body(document, 0));
        Assert.Equal("en", document.Sections[0].Metadata["lang"]);
        Assert.Equal("2020", document.Sections[1].Metadata["year"]);
    }

    [Fact]
    public async Task JsonLines_EachLineIsARecord()
    {
        var document = await ParseAsync("a.jsonl", "{\"text\":\"one\"}\n{\"text\":\"two\"}\n");

        Assert.Equal(["Record 1", "Record 2"], Paths(document));
    }

    [Fact]
    public async Task Json_DeeplyNested_FailsWithAReason()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => ParseAsync("deep.json", nested));
        Assert.Contains("JSON", error.Message);
    }

    [Fact]
    public async Task OverLimits_FailWithReasons()
    {
        var small = new DocumentParsers(new ParsingOptions { MaxFileBytes = 10, MaxExtractedCharacters = 5 });

        var size = await Assert.ThrowsAsync<DocumentRejectedException>(() => small.ParseAsync("a.txt", new byte[11], default));
        var chars = await Assert.ThrowsAsync<DocumentRejectedException>(() => small.ParseAsync("a.txt", "123456"u8.ToArray(), default));

        Assert.Contains("over the limit", size.Message);
        Assert.Contains("limit of 5 characters", chars.Message);
    }
}
