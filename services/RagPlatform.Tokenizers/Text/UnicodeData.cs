using System.Globalization;
using System.Reflection;

namespace RagPlatform.Tokenizers.Text;

/// <summary>
/// Unicode properties as JavaScript (V8 + ICU) sees them, loaded once from the embedded table that
/// tests/node/transformers/unicode-tables.mjs generates. transformers.js is the reference, so its Unicode
/// version wins over .NET's; .NET under InvariantGlobalization also cannot normalize at all.
/// </summary>
internal sealed class UnicodeData
{
    private const int BlockBits = 8;
    private const int BlockSize = 1 << BlockBits;
    private const int CodePointCount = 0x110000;

    private const uint CategoryMask = 0x1F;
    private const uint WhiteSpaceFlag = 1u << 5;
    private const uint CasedFlag = 1u << 6;
    private const uint CaseIgnorableFlag = 1u << 7;
    private const int CccShift = 8;
    private const uint CccMask = 0xFFu << CccShift;
    private const uint DecomposesFlag = 1u << 16;
    private const uint NfcUnstableFlag = 1u << 17;
    private const uint PunctuationFlag = 1u << 18;
    private const uint JsWhiteSpaceFlag = 1u << 19;

    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    private const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    private static readonly Lazy<UnicodeData> Shared = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ushort[] _blockIndex;
    private readonly uint[] _blocks;
    private readonly Dictionary<int, int> _simpleLower;
    private readonly Dictionary<int, int[]> _expandingLower;
    private readonly Dictionary<int, int[]> _decompositions;
    private readonly Dictionary<long, int> _compositions;

    private UnicodeData(ushort[] blockIndex, uint[] blocks, Dictionary<int, int> simpleLower,
        Dictionary<int, int[]> expandingLower, Dictionary<int, int[]> decompositions, Dictionary<long, int> compositions)
    {
        _blockIndex = blockIndex;
        _blocks = blocks;
        _simpleLower = simpleLower;
        _expandingLower = expandingLower;
        _decompositions = decompositions;
        _compositions = compositions;
    }

    public static UnicodeData Instance => Shared.Value;

    public UnicodeCategory Category(int cp) => (UnicodeCategory)(Properties(cp) & CategoryMask);

    public bool IsLetter(int cp) => Category(cp) <= UnicodeCategory.OtherLetter;

    public bool IsNumber(int cp) => Category(cp) is >= UnicodeCategory.DecimalDigitNumber and <= UnicodeCategory.OtherNumber;

    public bool IsNonSpacingMark(int cp) => Category(cp) == UnicodeCategory.NonSpacingMark;

    /// <summary>The Unicode White_Space property (what transformers.js rewrites Oniguruma's \s to).</summary>
    public bool IsWhiteSpace(int cp) => (Properties(cp) & WhiteSpaceFlag) != 0;

    /// <summary>JavaScript's own \s: Zs, the line terminators, TAB..CR and U+FEFF.</summary>
    public bool IsJsWhiteSpace(int cp) => (Properties(cp) & JsWhiteSpaceFlag) != 0;

    /// <summary>\p{P} plus the ASCII symbol ranges BERT treats as punctuation.</summary>
    public bool IsBertPunctuation(int cp) => (Properties(cp) & PunctuationFlag) != 0;

    public bool IsCased(int cp) => (Properties(cp) & CasedFlag) != 0;

    public bool IsCaseIgnorable(int cp) => (Properties(cp) & CaseIgnorableFlag) != 0;

    /// <summary>Order-preserving rank of the canonical combining class (0 for starters).</summary>
    public int CombiningRank(int cp) => (int)((Properties(cp) & CccMask) >> CccShift);

    /// <summary>False when the code point can neither change nor be changed by NFC.</summary>
    public bool MayChangeUnderNfc(int cp) => (Properties(cp) & NfcUnstableFlag) != 0;

    /// <summary>False when NFD leaves the code point as it is and never reorders it.</summary>
    public bool MayChangeUnderNfd(int cp) => (Properties(cp) & (DecomposesFlag | CccMask)) != 0;

    /// <summary>Context-free lowercase mapping; U+03A3 is left to the caller (final sigma).</summary>
    public bool TryLowercase(int cp, out int lower, out int[]? expansion)
    {
        expansion = null;
        if (cp < 0x80)
        {
            lower = cp is >= 'A' and <= 'Z' ? cp + 32 : cp;
            return lower != cp;
        }

        if (_simpleLower.TryGetValue(cp, out lower))
        {
            return true;
        }

        lower = cp;
        return _expandingLower.TryGetValue(cp, out expansion);
    }

    /// <summary>Appends the full canonical decomposition (not yet reordered).</summary>
    public void Decompose(int cp, List<int> output)
    {
        if ((Properties(cp) & DecomposesFlag) == 0)
        {
            output.Add(cp);
            return;
        }

        var s = cp - HangulSBase;
        if (s is >= 0 and < HangulSCount)
        {
            output.Add(HangulLBase + s / HangulNCount);
            output.Add(HangulVBase + s % HangulNCount / HangulTCount);
            if (s % HangulTCount != 0)
            {
                output.Add(HangulTBase + s % HangulTCount);
            }

            return;
        }

        output.AddRange(_decompositions[cp]);
    }

    /// <summary>The primary composite of a canonical pair, Hangul included.</summary>
    public bool TryCompose(int first, int second, out int composite)
    {
        var l = first - HangulLBase;
        var v = second - HangulVBase;
        if (l is >= 0 and < HangulLCount && v is >= 0 and < HangulVCount)
        {
            composite = HangulSBase + (l * HangulVCount + v) * HangulTCount;
            return true;
        }

        var s = first - HangulSBase;
        var t = second - HangulTBase;
        if (s is >= 0 and < HangulSCount && s % HangulTCount == 0 && t is > 0 and < HangulTCount)
        {
            composite = first + t;
            return true;
        }

        return _compositions.TryGetValue(PairKey(first, second), out composite);
    }

    private uint Properties(int cp) =>
        (uint)cp < CodePointCount ? _blocks[(_blockIndex[cp >> BlockBits] << BlockBits) | (cp & (BlockSize - 1))] : 0;

    private static long PairKey(int first, int second) => ((long)first << 21) | (uint)second;

    private static UnicodeData Load()
    {
        var values = new uint[CodePointCount];
        var simpleLower = new Dictionary<int, int>();
        var expandingLower = new Dictionary<int, int[]>();
        var decompositions = new Dictionary<int, int[]>();
        var compositions = new Dictionary<long, int>();
        var categoryStarts = new List<(int Start, UnicodeCategory Category)>();
        var secondsOfPairs = new HashSet<int>();

        using var stream = typeof(UnicodeData).Assembly.GetManifestResourceStream("RagPlatform.Tokenizers.UnicodeData.txt")
            ?? throw new InvalidOperationException("The embedded Unicode table is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var section = string.Empty;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '@')
            {
                section = line[1..];
                continue;
            }

            var fields = line.Split(' ');
            var cp = Hex(fields[0]);
            switch (section)
            {
                case "category":
                    categoryStarts.Add((cp, ParseCategory(fields[1])));
                    break;
                case "whitespace":
                    SetRange(values, cp, Hex(fields[1]), WhiteSpaceFlag);
                    break;
                case "cased":
                    SetRange(values, cp, Hex(fields[1]), CasedFlag);
                    break;
                case "case_ignorable":
                    SetRange(values, cp, Hex(fields[1]), CaseIgnorableFlag);
                    break;
                case "lower":
                    if (fields.Length == 2)
                    {
                        simpleLower[cp] = Hex(fields[1]);
                    }
                    else
                    {
                        expandingLower[cp] = fields.Skip(1).Select(Hex).ToArray();
                    }

                    break;
                case "ccc":
                    values[cp] |= (uint)Hex(fields[1]) << CccShift | NfcUnstableFlag;
                    break;
                case "nfd":
                    decompositions[cp] = fields.Skip(1).Select(Hex).ToArray();
                    values[cp] |= DecomposesFlag | NfcUnstableFlag;
                    break;
                case "compose":
                    var second = Hex(fields[1]);
                    var composite = Hex(fields[2]);
                    compositions[PairKey(cp, second)] = composite;
                    secondsOfPairs.Add(second);
                    break;
                default:
                    throw new InvalidDataException($"Unknown section '{section}' in the Unicode table.");
            }
        }

        for (var i = 0; i < categoryStarts.Count; i++)
        {
            var end = i + 1 < categoryStarts.Count ? categoryStarts[i + 1].Start : CodePointCount;
            for (var cp = categoryStarts[i].Start; cp < end; cp++)
            {
                values[cp] |= (uint)categoryStarts[i].Category;
            }
        }

        // A primary composite is NFC-stable on its own; what composes INTO something is not.
        foreach (var composite in compositions.Values)
        {
            values[composite] &= ~NfcUnstableFlag;
        }

        foreach (var second in secondsOfPairs)
        {
            values[second] |= NfcUnstableFlag;
        }

        FinishDerivedProperties(values);
        var (blockIndex, blocks) = Compress(values);
        return new UnicodeData(blockIndex, blocks, simpleLower, expandingLower, decompositions, compositions);
    }

    private static void FinishDerivedProperties(uint[] values)
    {
        for (var cp = HangulSBase; cp < HangulSBase + HangulSCount; cp++)
        {
            values[cp] |= DecomposesFlag;
        }

        // Hangul vowels and trailing consonants compose with the syllable before them.
        for (var cp = HangulVBase; cp < HangulVBase + HangulVCount; cp++)
        {
            values[cp] |= NfcUnstableFlag;
        }

        for (var cp = HangulTBase + 1; cp < HangulTBase + HangulTCount; cp++)
        {
            values[cp] |= NfcUnstableFlag;
        }

        for (var cp = 0; cp < CodePointCount; cp++)
        {
            var category = (UnicodeCategory)(values[cp] & CategoryMask);
            var asciiSymbol = cp is >= 0x21 and <= 0x2F or >= 0x3A and <= 0x40 or >= 0x5B and <= 0x60 or >= 0x7B and <= 0x7E;
            if (asciiSymbol || category is >= UnicodeCategory.ConnectorPunctuation and <= UnicodeCategory.OtherPunctuation)
            {
                values[cp] |= PunctuationFlag;
            }

            if (category == UnicodeCategory.SpaceSeparator || cp is >= 0x09 and <= 0x0D or 0x2028 or 0x2029 or 0xFEFF)
            {
                values[cp] |= JsWhiteSpaceFlag;
            }
        }
    }

    private static (ushort[] BlockIndex, uint[] Blocks) Compress(uint[] values)
    {
        var blockIndex = new ushort[CodePointCount >> BlockBits];
        var unique = new Dictionary<string, ushort>();
        var blocks = new List<uint>();
        for (var b = 0; b < blockIndex.Length; b++)
        {
            var block = new ReadOnlySpan<uint>(values, b << BlockBits, BlockSize);
            var key = Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(block));
            if (!unique.TryGetValue(key, out var index))
            {
                index = checked((ushort)unique.Count);
                unique.Add(key, index);
                blocks.AddRange(block.ToArray());
            }

            blockIndex[b] = index;
        }

        return (blockIndex, blocks.ToArray());
    }

    private static void SetRange(uint[] values, int first, int last, uint flag)
    {
        for (var cp = first; cp <= last; cp++)
        {
            values[cp] |= flag;
        }
    }

    private static int Hex(string field) => int.Parse(field, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static UnicodeCategory ParseCategory(string name) => name switch
    {
        "Lu" => UnicodeCategory.UppercaseLetter,
        "Ll" => UnicodeCategory.LowercaseLetter,
        "Lt" => UnicodeCategory.TitlecaseLetter,
        "Lm" => UnicodeCategory.ModifierLetter,
        "Lo" => UnicodeCategory.OtherLetter,
        "Mn" => UnicodeCategory.NonSpacingMark,
        "Mc" => UnicodeCategory.SpacingCombiningMark,
        "Me" => UnicodeCategory.EnclosingMark,
        "Nd" => UnicodeCategory.DecimalDigitNumber,
        "Nl" => UnicodeCategory.LetterNumber,
        "No" => UnicodeCategory.OtherNumber,
        "Zs" => UnicodeCategory.SpaceSeparator,
        "Zl" => UnicodeCategory.LineSeparator,
        "Zp" => UnicodeCategory.ParagraphSeparator,
        "Cc" => UnicodeCategory.Control,
        "Cf" => UnicodeCategory.Format,
        "Cs" => UnicodeCategory.Surrogate,
        "Co" => UnicodeCategory.PrivateUse,
        "Pc" => UnicodeCategory.ConnectorPunctuation,
        "Pd" => UnicodeCategory.DashPunctuation,
        "Ps" => UnicodeCategory.OpenPunctuation,
        "Pe" => UnicodeCategory.ClosePunctuation,
        "Pi" => UnicodeCategory.InitialQuotePunctuation,
        "Pf" => UnicodeCategory.FinalQuotePunctuation,
        "Po" => UnicodeCategory.OtherPunctuation,
        "Sm" => UnicodeCategory.MathSymbol,
        "Sc" => UnicodeCategory.CurrencySymbol,
        "Sk" => UnicodeCategory.ModifierSymbol,
        "So" => UnicodeCategory.OtherSymbol,
        "Cn" => UnicodeCategory.OtherNotAssigned,
        _ => throw new InvalidDataException($"Unknown general category '{name}' in the Unicode table."),
    };
}
