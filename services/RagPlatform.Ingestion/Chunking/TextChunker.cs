using System.Text.RegularExpressions;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Tokenizers;

namespace RagPlatform.Ingestion.Chunking;

/// <summary>
/// Cuts each section into chunks of at most <see cref="ChunkingOptions.TargetTokens"/> tokens of the embedder's own
/// tokenizer. A chunk never crosses a section; within a section text is split at the largest unit that fits
/// (paragraph, then sentence) and only a sentence longer than the limit is cut at token boundaries. Token counts are
/// of the exact chunk text, so the limit holds for what is embedded, not for an estimate.
/// </summary>
public sealed partial class TextChunker
{
    private readonly ITokenizer _tokenizer;
    private readonly ChunkingOptions _options;

    public TextChunker(ITokenizer tokenizer, ChunkingOptions options, int embedderMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(embedderMaxTokens);
        _tokenizer = tokenizer;
        _options = options;
    }

    public IReadOnlyList<DocumentChunk> Chunk(string documentId, ParsedDocument document, CancellationToken cancellationToken = default)
    {
        var chunks = new List<DocumentChunk>();
        foreach (var section in document.Sections)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pieces = new List<Range>();
            Split(document.Text, section.Start, section.End, level: 0, pieces);
            foreach (var (start, end) in Pack(document.Text, pieces))
            {
                var text = document.Text[start..end];
                var ordinal = chunks.Count;
                chunks.Add(new DocumentChunk(ContentIds.ChunkId(documentId, ordinal, text), documentId, ordinal, text, start, end,
                    section.Path, Count(text), section.Metadata));
            }
        }

        return chunks;
    }

    internal int Count(string text) => _tokenizer.Encode(text, addSpecialTokens: false).Length;

    /// <summary>Splits [start, end) into trimmed pieces that each fit: paragraphs (level 0), sentences (1), token runs (2).</summary>
    private void Split(string text, int start, int end, int level, List<Range> pieces)
    {
        (start, end) = Trim(text, start, end);
        if (start >= end)
        {
            return;
        }

        if (Count(text[start..end]) <= _options.TargetTokens)
        {
            pieces.Add(new Range(start, end));
            return;
        }

        if (level == 2)
        {
            HardSplit(text, start, end, pieces);
            return;
        }

        var boundary = level == 0 ? ParagraphBreak() : SentenceBreak();
        var from = start;
        foreach (var match in boundary.EnumerateMatches(text.AsSpan(start, end - start)))
        {
            Split(text, from, start + match.Index, level + 1, pieces);
            from = start + match.Index + match.Length;
        }

        Split(text, from, end, level + 1, pieces);
    }

    /// <summary>An over-long sentence: consecutive token runs of the limit, cut between tokens (offsets from the tokenizer).</summary>
    private void HardSplit(string text, int start, int end, List<Range> pieces)
    {
        var offsets = _tokenizer.Encode(text[start..end], addSpecialTokens: false).Offsets;
        for (var first = 0; first < offsets.Count;)
        {
            var last = Math.Min(first + _options.TargetTokens, offsets.Count) - 1;
            var pieceEnd = last + 1 < offsets.Count ? start + offsets[last + 1].Start : end;
            // Re-tokenizing a cut can differ slightly at its edges: shrink until the exact text fits.
            while (last > first && Count(text[(start + offsets[first].Start)..pieceEnd]) > _options.TargetTokens)
            {
                last--;
                pieceEnd = start + offsets[last + 1].Start;
            }

            var (s, e) = Trim(text, start + offsets[first].Start, pieceEnd);
            if (s < e)
            {
                pieces.Add(new Range(s, e));
            }

            first = last + 1;
        }
    }

    /// <summary>Greedily joins consecutive pieces (with the text between them) up to the limit, repeating a tail as overlap.</summary>
    private IEnumerable<(int Start, int End)> Pack(string text, List<Range> pieces)
    {
        var first = 0;
        while (first < pieces.Count)
        {
            var last = first;
            while (last + 1 < pieces.Count && Count(text[pieces[first].Start.Value..pieces[last + 1].End.Value]) <= _options.TargetTokens)
            {
                last++;
            }

            yield return (pieces[first].Start.Value, pieces[last].End.Value);
            if (last + 1 >= pieces.Count)
            {
                yield break;
            }

            // The next chunk starts with the longest tail of this one within the overlap budget that still leaves room
            // for the next piece; never the whole chunk, so every chunk adds new text.
            var next = last + 1;
            while (next - 1 > first
                && Count(text[pieces[next - 1].Start.Value..pieces[last].End.Value]) <= _options.OverlapTokens
                && Count(text[pieces[next - 1].Start.Value..pieces[last + 1].End.Value]) <= _options.TargetTokens)
            {
                next--;
            }

            first = next;
        }
    }

    private static (int Start, int End) Trim(string text, int start, int end)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return (start, end);
    }

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex(@"(?<=[.!?。！？][""')\]]?)\s+|\n")]
    private static partial Regex SentenceBreak();
}
