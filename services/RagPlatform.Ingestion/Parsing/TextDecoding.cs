using System.Text;

namespace RagPlatform.Ingestion.Parsing;

internal static class TextDecoding
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Strict UTF-8 (a BOM is skipped): mojibake in the index is worse than a clear failure.</summary>
    public static string Utf8(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("\uFEFF"u8))
        {
            content = content[3..];
        }

        try
        {
            return Strict.GetString(content).Replace("\r\n", "\n", StringComparison.Ordinal);
        }
        catch (DecoderFallbackException e)
        {
            throw new DocumentRejectedException($"The file is not valid UTF-8 (bad byte at offset {e.Index}).", e);
        }
    }
}
