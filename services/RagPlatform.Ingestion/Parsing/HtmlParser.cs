using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace RagPlatform.Ingestion.Parsing;

/// <summary>.html: the title, headings as sections, text blocks; page furniture (navigation, headers, footers, asides, scripts) dropped.</summary>
internal sealed class HtmlParser(ParsingOptions options) : IDocumentParser
{
    private const string Furniture =
        "nav, header, footer, aside, script, style, noscript, template, form, iframe, svg, [role=navigation], [role=banner], " +
        "[role=contentinfo], [aria-hidden=true], [hidden]";

    private const string Blocks = "h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, td, th, dt, dd, figcaption, caption";

    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm"];

    public Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var html = TextDecoding.Utf8(content.Span);
        using var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        foreach (var element in document.QuerySelectorAll(Furniture).ToList())
        {
            element.Remove();
        }

        var builder = new SectionedTextBuilder(options.MaxExtractedCharacters) { Title = NullIfBlank(document.Title) };
        var root = (IElement?)document.QuerySelector("main, article, [role=main]") ?? document.Body;
        if (root is not null)
        {
            foreach (var element in root.QuerySelectorAll(Blocks))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (element.QuerySelector(Blocks) is not null && element.LocalName is not "pre")
                {
                    continue; // a container of blocks: its inner blocks are taken one by one
                }

                if (element.LocalName is ['h', var digit] && char.IsAsciiDigit(digit))
                {
                    builder.Heading(digit - '0', element.TextContent);
                }
                else
                {
                    builder.Block(element.LocalName == "pre" ? element.TextContent : SectionedTextBuilder.Normalize(element.TextContent));
                }
            }
        }

        return Task.FromResult(builder.Build());
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : SectionedTextBuilder.Normalize(text);
}
