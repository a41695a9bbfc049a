using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace RagPlatform.Ingestion.Parsing;

/// <summary>.md: headings become the section trail; paragraphs, list items, quotes and code blocks become blocks.</summary>
internal sealed class MarkdownParser(ParsingOptions options) : IDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public IReadOnlyCollection<string> Extensions { get; } = [".md", ".markdown"];

    public Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var markdown = TextDecoding.Utf8(content.Span);
        var builder = new SectionedTextBuilder(options.MaxExtractedCharacters);
        Walk(Markdown.Parse(markdown, Pipeline), builder, cancellationToken);
        return Task.FromResult(builder.Build());
    }

    private static void Walk(ContainerBlock container, SectionedTextBuilder builder, CancellationToken cancellationToken)
    {
        foreach (var block in container)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (block)
            {
                case HeadingBlock heading:
                    var title = InlineText(heading.Inline);
                    builder.Title ??= heading.Level == 1 ? title : null;
                    builder.Heading(heading.Level, title);
                    break;
                case CodeBlock code:
                    builder.Block(code.Lines.ToString());
                    break;
                case LeafBlock leaf when leaf.Inline is not null:
                    builder.Block(InlineText(leaf.Inline));
                    break;
                case ContainerBlock nested:
                    Walk(nested, builder, cancellationToken);
                    break;
            }
        }
    }

    private static string InlineText(ContainerInline? inline)
    {
        var text = new StringBuilder();
        Append(inline, text);
        return text.ToString();
    }

    private static void Append(ContainerInline? container, StringBuilder text)
    {
        for (var inline = container?.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.AsSpan());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
                case LineBreakInline:
                    text.Append('\n');
                    break;
                case HtmlInline or AutolinkInline:
                    break;
                case ContainerInline nested:
                    Append(nested, text);
                    break;
            }
        }
    }
}
