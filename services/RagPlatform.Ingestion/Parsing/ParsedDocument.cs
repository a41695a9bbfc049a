namespace RagPlatform.Ingestion.Parsing;

/// <summary>A document as plain text, cut into sections; every offset is a UTF-16 index into <see cref="Text"/>.</summary>
/// <param name="Sections">In text order, non-overlapping; blocks inside a section are separated by a blank line.</param>
public sealed record ParsedDocument(string Text, IReadOnlyList<DocumentSection> Sections)
{
    public string? Title { get; init; }
}

/// <param name="Path">The heading trail, e.g. ["Tutorial", "Lists"]; empty before the first heading.</param>
/// <param name="Start">First character of the section's body in the document text.</param>
/// <param name="End">One past its last character.</param>
/// <param name="Metadata">Fields carried into each chunk's payload (e.g. the non-text fields of a JSON record).</param>
public sealed record DocumentSection(IReadOnlyList<string> Path, int Start, int End, IReadOnlyDictionary<string, string> Metadata)
{
    public static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();
}

/// <summary>A document that cannot be ingested, with a reason fit to show its owner.</summary>
public sealed class DocumentRejectedException(string reason, Exception? inner = null) : Exception(reason, inner);
