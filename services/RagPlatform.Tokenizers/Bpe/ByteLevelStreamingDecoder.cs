using System.Text;

namespace RagPlatform.Tokenizers.Bpe;

/// <summary>
/// Decodes byte-level tokens incrementally. A stateful UTF-8 decoder holds back the bytes of a character that a
/// token boundary split, so no U+FFFD appears for it; invalid bytes still become U+FFFD exactly where the one-shot
/// TextDecoder of transformers.js puts them. An added token ends the byte run before it, as in the full decoder.
/// </summary>
internal sealed class ByteLevelStreamingDecoder(ByteLevelBpeTokenizer tokenizer, bool skipSpecialTokens) : IStreamingDecoder
{
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private byte[] _bytes = new byte[64];
    private char[] _chars = new char[128];

    public string Append(int id)
    {
        var (skip, addedText, symbols) = tokenizer.Describe(id, skipSpecialTokens);
        if (skip)
        {
            return string.Empty;
        }

        if (addedText is not null)
        {
            return DecodeBytes(0, flush: true) + addedText;
        }

        var count = 0;
        EnsureCapacity(ref _bytes, symbols!.Length);
        foreach (var symbol in symbols)
        {
            var value = ByteLevelAlphabet.CharToByte(symbol);
            if (value >= 0)
            {
                _bytes[count++] = (byte)value;
            }
        }

        return DecodeBytes(count, flush: false);
    }

    public string Flush() => DecodeBytes(0, flush: true);

    private string DecodeBytes(int count, bool flush)
    {
        EnsureCapacity(ref _chars, count + 8);
        var written = _utf8.GetChars(_bytes, 0, count, _chars, 0, flush);
        return written == 0 ? string.Empty : new string(_chars, 0, written);
    }

    private static void EnsureCapacity<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            Array.Resize(ref buffer, Math.Max(size, buffer.Length * 2));
        }
    }
}
