namespace RagPlatform.Tokenizers.Text;

/// <summary>
/// NFD and NFC (UAX #15) over aligned text. Alignment follows tokenizers' NormalizedString: every output code point
/// carries a length change (0 kept, +1 inserted by a decomposition, -n when n code points composed into it), and
/// ranges are then handed out positionally — kept and composed code points take the next source range(s) (a
/// composite only the first), inserted ones repeat the previous range.
/// </summary>
internal static class UnicodeNormalization
{
    private const int Blocked = int.MaxValue;

    private readonly record struct Unit(int CodePoint, int Change);

    private readonly record struct Range(int Start, int End);

    public static AlignedText Nfd(AlignedText input)
    {
        var unicode = UnicodeData.Instance;
        if (!NeedsWork(input, unicode.MayChangeUnderNfd))
        {
            return input;
        }

        var units = Decompose(input, unicode, out var sources);
        return Write(units, sources, input.Length);
    }

    public static AlignedText Nfc(AlignedText input)
    {
        var unicode = UnicodeData.Instance;
        if (!NeedsWork(input, unicode.MayChangeUnderNfc))
        {
            return input;
        }

        var units = Decompose(input, unicode, out var sources);
        Compose(units, unicode);
        return Write(units, sources, input.Length);
    }

    private static bool NeedsWork(AlignedText input, Func<int, bool> mayChange)
    {
        var chars = input.Chars;
        for (var i = 0; i < chars.Length; i++)
        {
            // Below U+00C0 nothing decomposes, reorders or composes.
            if (chars[i] >= '\u00C0' && mayChange(input.RawCodePointAt(i, out _)))
            {
                return true;
            }
        }

        return false;
    }

    private static List<Unit> Decompose(AlignedText input, UnicodeData unicode, out List<Range> sources)
    {
        var units = new List<Unit>(input.Length + 8);
        sources = new List<Range>(input.Length);
        var scratch = new List<int>(4);
        for (var i = 0; i < input.Length;)
        {
            var cp = input.RawCodePointAt(i, out var width);
            scratch.Clear();
            unicode.Decompose(cp, scratch);
            sources.Add(new Range(input.StartOf(i), input.EndOf(i + width - 1)));
            for (var k = 0; k < scratch.Count; k++)
            {
                units.Add(new Unit(scratch[k], k == 0 ? 0 : 1));
            }

            i += width;
        }

        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (var i = 1; i < units.Count; i++)
        {
            var rank = unicode.CombiningRank(units[i].CodePoint);
            if (rank == 0)
            {
                continue;
            }

            var j = i;
            var unit = units[i];
            while (j > 0 && unicode.CombiningRank(units[j - 1].CodePoint) > rank)
            {
                units[j] = units[j - 1];
                j--;
            }

            units[j] = unit;
        }

        return units;
    }

    private static void Compose(List<Unit> units, UnicodeData unicode)
    {
        if (units.Count == 0)
        {
            return;
        }

        var starter = unicode.CombiningRank(units[0].CodePoint) == 0 ? 0 : -1;
        var lastRank = starter == 0 ? 0 : Blocked;
        var written = 1;
        for (var i = 1; i < units.Count; i++)
        {
            var unit = units[i];
            var rank = unicode.CombiningRank(unit.CodePoint);
            if (starter >= 0 && (lastRank < rank || lastRank == 0)
                && unicode.TryCompose(units[starter].CodePoint, unit.CodePoint, out var composite))
            {
                units[starter] = new Unit(composite, units[starter].Change + unit.Change - 1);
                continue;
            }

            if (rank == 0)
            {
                starter = written;
            }

            lastRank = rank;
            units[written++] = unit;
        }

        units.RemoveRange(written, units.Count - written);
    }

    private static AlignedText Write(List<Unit> units, List<Range> sources, int capacity)
    {
        var output = new AlignedText(capacity + 4);
        var next = 0;
        foreach (var unit in units)
        {
            Range range;
            if (unit.Change > 0)
            {
                range = next > 0 ? sources[next - 1] : sources[0];
            }
            else
            {
                range = sources[Math.Min(next, sources.Count - 1)];
                next += 1 - unit.Change;
            }

            output.AppendCodePoint(unit.CodePoint, range.Start, range.End);
        }

        return output;
    }
}
