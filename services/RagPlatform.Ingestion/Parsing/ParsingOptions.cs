namespace RagPlatform.Ingestion.Parsing;

/// <summary>Every limit a hostile file could push against, explicit and configurable.</summary>
public sealed record ParsingOptions
{
    public long MaxFileBytes { get; init; } = 64L * 1024 * 1024;

    public int MaxExtractedCharacters { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Most bytes a zipped format (.docx) may unpack to, in all its parts together: a decompression bomb is refused
    /// before it is inflated. Each XML part is also cut off while read at this many characters, in case the archive
    /// lies about its sizes.
    /// </summary>
    public long MaxUnpackedBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Wall-clock budget for one parse (the PDF child process is killed when it runs out).</summary>
    public TimeSpan ParseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>JSON record fields whose values become the text, in this order; the other scalar fields become metadata.</summary>
    public IReadOnlyList<string> JsonTextFields { get; init; } = ["title", "text", "content", "body"];

    /// <summary>The JSON record field naming its section, when present.</summary>
    public string JsonTitleField { get; init; } = "title";

    public string PdfToTextPath { get; init; } = "pdftotext";

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxExtractedCharacters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUnpackedBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ParseTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxJsonDepth, 1);
        if (JsonTextFields.Count == 0)
        {
            throw new ArgumentException("At least one JSON text field is needed.", nameof(JsonTextFields));
        }
    }
}
