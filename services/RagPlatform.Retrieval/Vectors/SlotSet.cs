namespace RagPlatform.Retrieval.Vectors;

/// <summary>A growable set of slots as a bitmap: the live points of a collection, or the points a filter accepts.</summary>
internal sealed class SlotSet
{
    private ulong[] _words;

    public SlotSet(int capacity = 64) => _words = new ulong[Math.Max(1, (capacity + 63) >> 6)];

    public int Count { get; private set; }

    public bool Contains(int slot)
    {
        var word = slot >> 6;
        return word < _words.Length && (_words[word] & (1UL << slot)) != 0;
    }

    public void Add(int slot)
    {
        var word = slot >> 6;
        if (word >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
        }

        if ((_words[word] & (1UL << slot)) == 0)
        {
            _words[word] |= 1UL << slot;
            Count++;
        }
    }

    public void Remove(int slot)
    {
        var word = slot >> 6;
        if (word < _words.Length && (_words[word] & (1UL << slot)) != 0)
        {
            _words[word] &= ~(1UL << slot);
            Count--;
        }
    }
}
