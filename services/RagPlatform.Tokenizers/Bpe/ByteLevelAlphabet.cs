namespace RagPlatform.Tokenizers.Bpe;

/// <summary>
/// GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the other 68 bytes map to
/// U+0100 onward, so every byte sequence is a string of visible characters.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToCharTable = BuildByteToChar();
    private static readonly int[] CharToByteTable = BuildCharToByte();

    public static char ByteToChar(byte value) => ByteToCharTable[value];

    /// <summary>The byte a byte-level character stands for, or -1 for a character outside the alphabet.</summary>
    public static int CharToByte(char c) => c < CharToByteTable.Length ? CharToByteTable[c] : -1;

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }

    private static int[] BuildCharToByte()
    {
        var table = new int[324];
        Array.Fill(table, -1);
        for (var b = 0; b < 256; b++)
        {
            table[ByteToCharTable[b]] = b;
        }

        return table;
    }
}
