namespace RagPlatform.Grpc;

/// <summary>Metadata to and from HTTP/2 header values ("-bin" values travel as base64).</summary>
internal static class MetadataHeaders
{
    public static string EncodeValue(Metadata.Entry entry) =>
        entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;

    /// <summary>
    /// Adds one received header. Binary values may be unpadded and comma-joined; a header this
    /// transport cannot represent (odd key characters, non-ASCII value) is skipped, not fatal.
    /// </summary>
    public static void AddHeaderValue(Metadata metadata, string key, string value)
    {
        try
        {
            if (!Metadata.IsBinaryKey(key))
            {
                metadata.Add(key, value);
                return;
            }

            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                metadata.Add(key, DecodeBase64(part));
            }
        }
        catch (ArgumentException)
        {
        }
        catch (FormatException)
        {
        }
    }

    public static byte[] DecodeBase64(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }
}
