using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;

namespace RagPlatform.Onnx.Native;

/// <summary>
/// NUL-terminated UTF-8 copies of a session's input and output names, made once so a Run passes
/// pointers instead of encoding names per call. The bytes live in one array on the pinned object heap,
/// so their addresses never change and the GC frees them with the session.
/// </summary>
internal sealed unsafe class Utf8NameTable
{
    private readonly byte[] _buffer;
    private readonly FrozenDictionary<string, int> _offsets;

    public Utf8NameTable(IEnumerable<string> names)
    {
        var distinct = names.Distinct(StringComparer.Ordinal).ToArray();
        _buffer = GC.AllocateArray<byte>(distinct.Sum(n => Encoding.UTF8.GetByteCount(n) + 1), pinned: true);
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        var position = 0;
        foreach (var name in distinct)
        {
            offsets[name] = position;
            position += Encoding.UTF8.GetBytes(name, _buffer.AsSpan(position)) + 1; // the array starts zeroed: the NUL is there
        }

        _offsets = offsets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string name, out nint pointer)
    {
        if (_offsets.TryGetValue(name, out var offset))
        {
            pointer = (nint)Unsafe.AsPointer(ref _buffer[offset]);
            return true;
        }

        pointer = 0;
        return false;
    }
}
