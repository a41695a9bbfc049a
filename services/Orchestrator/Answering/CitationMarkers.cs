using System.Text;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>
/// Watches the answer as it streams and keeps its citation markers honest. A marker is "[n]" or a list "[n, m]";
/// text from a '[' is held back until the marker is complete (or clearly is not one), then released with only the
/// numbers of passages that were in the prompt. A marker citing none of them is dropped. What was cited is recorded
/// in order of first citation.
/// </summary>
internal sealed class CitationMarkers(int passageCount)
{
    /// <summary>Longest text held back waiting for a ']' ("[12, 13, 14, 15]" fits); beyond it the text is not a marker.</summary>
    private const int MaxMarkerLength = 24;
    private readonly StringBuilder _pending = new();
    private readonly List<int> _cited = [];

    /// <summary>Passage numbers cited, in order of first citation.</summary>
    public IReadOnlyList<int> Cited => _cited;

    /// <summary>Takes the next piece of generated text; returns what can be shown now.</summary>
    public string Push(string text)
    {
        var output = new StringBuilder();
        foreach (var c in text)
        {
            if (_pending.Length == 0)
            {
                if (c == '[')
                {
                    _pending.Append(c);
                }
                else
                {
                    output.Append(c);
                }

                continue;
            }

            _pending.Append(c);
            if (c == ']')
            {
                output.Append(Resolve(_pending.ToString()));
                _pending.Clear();
            }
            else if (!(char.IsAsciiDigit(c) || c is ',' or ' ') || _pending.Length > MaxMarkerLength)
            {
                // Not a marker after all ("[see", "[[", an over-long run): release it, re-examining a new '['.
                var held = _pending.ToString();
                _pending.Clear();
                output.Append(held[..^1]);
                output.Append(Push(held[^1..]));
            }
        }

        return output.ToString();
    }

    /// <summary>The end of the answer: whatever is still held back is plain text.</summary>
    public string Flush()
    {
        var held = _pending.ToString();
        _pending.Clear();
        return held;
    }

    private string Resolve(string marker)
    {
        var parts = marker[1..^1].Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiDigit)))
        {
            return marker; // "[]", "[1,,2]" or "[ ]": not a citation, leave the text alone
        }

        var valid = parts.Select(p => int.TryParse(p, out var n) ? n : 0).Where(n => n >= 1 && n <= passageCount).Distinct().ToList();
        foreach (var n in valid.Where(n => !_cited.Contains(n)))
        {
            _cited.Add(n);
        }

        return valid.Count == 0 ? "" : $"[{string.Join(", ", valid)}]";
    }
}
