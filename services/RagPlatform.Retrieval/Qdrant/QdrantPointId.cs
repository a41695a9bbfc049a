using System.Security.Cryptography;
using System.Text;

namespace RagPlatform.Retrieval.Qdrant;

/// <summary>
/// Qdrant ids are integers or UUIDs; ours are arbitrary strings. A name-based UUID (RFC 9562 version 5) of the
/// string id is stable across processes and machines, so re-ingesting the same content overwrites, never duplicates.
/// </summary>
internal static class QdrantPointId
{
    private static readonly Guid Namespace = new("3c9f5e21-7a4b-4d8e-b6f0-52e1a9c4d7b3");

    public static Guid For(string id)
    {
        var name = Encoding.UTF8.GetBytes(id);
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version 5; nothing here relies on collision resistance.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
