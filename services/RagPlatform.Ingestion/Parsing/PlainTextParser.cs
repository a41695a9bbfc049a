namespace RagPlatform.Ingestion.Parsing;

/// <summary>.txt: one untitled section; blank lines separate paragraphs.</summary>
internal sealed class PlainTextParser(ParsingOptions options) : IDocumentParser
{
    public IReadOnlyCollection<string> Extensions { get; } = [".txt", ".text"];

    public Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var builder = new SectionedTextBuilder(options.MaxExtractedCharacters);
        foreach (var paragraph in TextDecoding.Utf8(content.Span).Split("\n\n"))
        {
            builder.Block(paragraph);
        }

        return Task.FromResult(builder.Build());
    }
}
