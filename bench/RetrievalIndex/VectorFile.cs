using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace RagPlatform.Bench.RetrievalIndex;

/// <summary>
/// The one binary layout both peers read: a 16-byte header ("RVEC", int32 count, int32 dimensions, int32 0) then
/// count × dimensions float32, little-endian, vector after vector. bench/node/retrieval-index reads the same file.
/// </summary>
internal static class VectorFile
{
    public const string BaseFile = "base.rvec";
    public const string QueryFile = "queries.rvec";
    private const int HeaderBytes = 16;
    private static ReadOnlySpan<byte> Magic => "RVEC"u8;

    public static (int Count, int Dimensions) ReadHeader(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> header = stackalloc byte[HeaderBytes];
        file.ReadExactly(header);
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a vector file.");
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(header[4..]), BinaryPrimitives.ReadInt32LittleEndian(header[8..]));
    }

    /// <summary>The first <paramref name="count"/> vectors, back to back in one array.</summary>
    public static float[] Read(string path, int count, out int dimensions)
    {
        (var stored, dimensions) = ReadHeader(path);
        if (count > stored)
        {
            throw new InvalidDataException($"{path} holds {stored} vectors, not {count}.");
        }

        var data = new float[checked(count * dimensions)];
        using var file = File.OpenRead(path);
        file.Position = HeaderBytes;
        file.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }

    /// <summary>Writes the header, then lets <paramref name="writeBody"/> append the vectors.</summary>
    public static void Write(string path, int count, int dimensions, Action<Stream> writeBody)
    {
        var partial = path + ".part";
        using (var file = File.Create(partial))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], count);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], dimensions);
            file.Write(header);
            writeBody(file);
            if (file.Length != HeaderBytes + ((long)count * dimensions * sizeof(float)))
            {
                throw new InvalidOperationException($"{path}: wrote {file.Length} bytes for {count} vectors.");
            }
        }

        File.Move(partial, path, overwrite: true);
    }
}
