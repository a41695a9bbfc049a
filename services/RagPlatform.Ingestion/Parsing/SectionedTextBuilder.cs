using System.Text;

namespace RagPlatform.Ingestion.Parsing;

/// <summary>
/// Assembles a <see cref="ParsedDocument"/>: blocks joined by blank lines, a new section at each heading, and the
/// character limit enforced as text grows (so a decompression bomb stops early rather than after filling memory).
/// </summary>
internal sealed class SectionedTextBuilder(int maxCharacters)
{
    private const string BlockSeparator = "\n\n";
    private readonly StringBuilder _text = new();
    private readonly List<DocumentSection> _sections = [];
    private readonly List<string> _trail = [];
    private IReadOnlyDictionary<string, string> _metadata = DocumentSection.NoMetadata;
    private int _sectionStart;

    public string? Title { get; set; }

    /// <summary>Starts a section under a heading of the given level (1 = top); deeper headings of the old trail are dropped.</summary>
    public void Heading(int level, string title)
    {
        CloseSection();
        var depth = Math.Clamp(level - 1, 0, _trail.Count);
        _trail.RemoveRange(depth, _trail.Count - depth);
        _trail.Add(Normalize(title));
    }

    /// <summary>Starts a section with an explicit path (PDF pages, JSON records).</summary>
    public void Section(IReadOnlyList<string> path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        CloseSection();
        _trail.Clear();
        _trail.AddRange(path);
        _metadata = metadata ?? DocumentSection.NoMetadata;
    }

    public void Block(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return;
        }

        if (_text.Length > _sectionStart)
        {
            _text.Append(BlockSeparator);
        }

        if (_text.Length + trimmed.Length > maxCharacters)
        {
            throw new DocumentRejectedException($"The extracted text exceeds the limit of {maxCharacters} characters.");
        }

        _text.Append(trimmed);
    }

    public ParsedDocument Build()
    {
        CloseSection();
        var text = _text.ToString();
        if (_sections.Count == 0)
        {
            throw new DocumentRejectedException("The document holds no text.");
        }

        return new ParsedDocument(text, _sections) { Title = Title };
    }

    internal static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private void CloseSection()
    {
        if (_text.Length > _sectionStart)
        {
            _sections.Add(new DocumentSection([.. _trail], _sectionStart, _text.Length, _metadata));
            _text.Append(BlockSeparator);
        }

        _sectionStart = _text.Length;
        _metadata = DocumentSection.NoMetadata;
    }
}
