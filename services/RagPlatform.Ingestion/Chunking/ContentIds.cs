using System.Security.Cryptography;
using System.Text;

namespace RagPlatform.Ingestion.Chunking;

/// <summary>Ids derived from content, so the same input always yields the same ids (re-ingestion is idempotent).</summary>
public static class ContentIds
{
    /// <summary>The caller's id (e.g. a relative path) when given, else the file name.</summary>
    public static string DocumentId(string path, string? callerId) =>
        string.IsNullOrWhiteSpace(callerId) ? Path.GetFileName(path) : callerId;

    public static string ContentHash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>sha256 over (document id, ordinal, text), each length-prefixed so no two triples collide by concatenation.</summary>
    public static string ChunkId(string documentId, int ordinal, string text)
    {
        var material = $"{documentId.Length}:{documentId}|{ordinal}|{text.Length}:{text}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)))[..32];
    }
}
