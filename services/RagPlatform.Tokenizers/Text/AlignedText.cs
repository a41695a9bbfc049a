using System.Text;

namespace RagPlatform.Tokenizers.Text;

/// <summary>
/// UTF-16 text being normalized, with the range of the ORIGINAL string each char came from, so that
/// token offsets survive lowercasing, decomposition and composition.
/// </summary>
internal sealed class AlignedText
{
    private char[] _chars;
    private int[] _starts;
    private int[] _ends;

    public AlignedText(int capacity)
    {
        capacity = Math.Max(capacity, 16);
        _chars = new char[capacity];
        _starts = new int[capacity];
        _ends = new int[capacity];
    }

    public int Length { get; private set; }

    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

    public int StartOf(int index) => _starts[index];

    public int EndOf(int index) => _ends[index];

    /// <summary>Wraps a slice of the original text, each char aligned to itself.</summary>
    public static AlignedText FromOriginal(string text, int start, int length)
    {
        var aligned = new AlignedText(length);
        var span = text.AsSpan(start, length);
        for (var i = 0; i < span.Length;)
        {
            var status = Rune.DecodeFromUtf16(span[i..], out _, out var consumed);
            var width = status == System.Buffers.OperationStatus.Done ? consumed : 1;
            for (var k = 0; k < width; k++)
            {
                aligned.AppendChar(span[i + k], start + i, start + i + width);
            }

            i += width;
        }

        return aligned;
    }

    /// <summary>The raw scalar or lone surrogate at <paramref name="index"/> (JavaScript iterates strings so).</summary>
    public int RawCodePointAt(int index, out int width)
    {
        var c = _chars[index];
        if (char.IsHighSurrogate(c) && index + 1 < Length && char.IsLowSurrogate(_chars[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, _chars[index + 1]);
        }

        width = 1;
        return c;
    }

    public void AppendCodePoint(int cp, int start, int end)
    {
        if (cp < 0x10000)
        {
            AppendChar((char)cp, start, end);
            return;
        }

        var value = cp - 0x10000;
        AppendChar((char)(0xD800 + (value >> 10)), start, end);
        AppendChar((char)(0xDC00 + (value & 0x3FF)), start, end);
    }

    public void AppendChar(char c, int start, int end)
    {
        if (Length == _chars.Length)
        {
            var capacity = _chars.Length * 2;
            Array.Resize(ref _chars, capacity);
            Array.Resize(ref _starts, capacity);
            Array.Resize(ref _ends, capacity);
        }

        _chars[Length] = c;
        _starts[Length] = start;
        _ends[Length] = end;
        Length++;
    }
}
