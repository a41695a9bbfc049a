namespace RagPlatform.Retrieval.Vectors;

/// <summary>
/// Keeps the k best (score, slot) pairs seen, in a binary min-heap whose root is the worst kept pair.
/// Equal scores prefer the lower slot so results do not depend on scan order.
/// </summary>
internal sealed class TopK
{
    private readonly float[] _scores;
    private readonly int[] _slots;
    private int _count;

    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _scores = new float[k];
        _slots = new int[k];
    }

    public void Offer(float score, int slot)
    {
        if (_count < _scores.Length)
        {
            _scores[_count] = score;
            _slots[_count] = slot;
            SiftUp(_count++);
            return;
        }

        if (!Worse(_scores[0], _slots[0], score, slot))
        {
            return;
        }

        _scores[0] = score;
        _slots[0] = slot;
        SiftDown(0);
    }

    /// <summary>The kept pairs, best first.</summary>
    public List<(int Slot, float Score)> ToDescending()
    {
        var result = new List<(int Slot, float Score)>(_count);
        for (var i = 0; i < _count; i++)
        {
            result.Add((_slots[i], _scores[i]));
        }

        result.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Slot.CompareTo(b.Slot));
        return result;
    }

    /// <summary>Whether (s1, slot1) ranks below (s2, slot2).</summary>
    private static bool Worse(float s1, int slot1, float s2, int slot2) => s1 < s2 || (s1 == s2 && slot1 > slot2);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Worse(_scores[i], _slots[i], _scores[parent], _slots[parent]))
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= _count)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < _count && Worse(_scores[right], _slots[right], _scores[left], _slots[left]))
            {
                worst = right;
            }

            if (!Worse(_scores[worst], _slots[worst], _scores[i], _slots[i]))
            {
                return;
            }

            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
    }
}
