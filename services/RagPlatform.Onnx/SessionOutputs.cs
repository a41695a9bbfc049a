namespace RagPlatform.Onnx;

/// <summary>An input to <see cref="InferenceSession.Run"/>: the model's input name and the tensor to feed it.</summary>
public readonly record struct NamedTensor(string Name, OrtTensor Tensor);

/// <summary>
/// The tensors one Run produced, in the order they were requested. Disposing this releases every output
/// not taken with <see cref="Take(string)"/>; a taken tensor belongs to the caller (e.g. a KV cache kept
/// for the next decoding step).
/// </summary>
public sealed class SessionOutputs : IReadOnlyList<OrtTensor>, IDisposable
{
    private readonly string[] _names;
    private readonly OrtTensor[] _tensors;
    private readonly bool[] _taken;

    internal SessionOutputs(string[] names, OrtTensor[] tensors)
    {
        _names = names;
        _tensors = tensors;
        _taken = new bool[tensors.Length];
    }

    public IReadOnlyList<string> Names => _names;

    public int Count => _tensors.Length;

    public OrtTensor this[int index] => _tensors[index];

    public OrtTensor this[string name] => _tensors[IndexOf(name)];

    /// <summary>Transfers ownership of one output to the caller, who must dispose it.</summary>
    public OrtTensor Take(string name)
    {
        var index = IndexOf(name);
        _taken[index] = true;
        return _tensors[index];
    }

    public IEnumerator<OrtTensor> GetEnumerator() => ((IEnumerable<OrtTensor>)_tensors).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        for (var i = 0; i < _tensors.Length; i++)
        {
            if (!_taken[i])
            {
                _tensors[i].Dispose();
            }
        }
    }

    private int IndexOf(string name)
    {
        var index = Array.IndexOf(_names, name);
        return index >= 0
            ? index
            : throw new KeyNotFoundException($"No output named '{name}' in this result; it has: {string.Join(", ", _names)}.");
    }
}
