namespace RagPlatform.Ingestion.Parsing;

/// <summary>Turns the bytes of one kind of file into a <see cref="ParsedDocument"/>.</summary>
public interface IDocumentParser
{
    /// <summary>Lower-case file extensions with the dot, e.g. ".md".</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <exception cref="DocumentRejectedException">The content is corrupt, unsupported or over a limit.</exception>
    Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
