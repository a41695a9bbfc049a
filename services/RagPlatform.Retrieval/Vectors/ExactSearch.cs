namespace RagPlatform.Retrieval.Vectors;

/// <summary>Brute-force cosine search: every accepted slot scored with a SIMD dot product, the best k kept in a heap.</summary>
internal static class ExactSearch
{
    /// <summary>The <paramref name="k"/> accepted slots most similar to <paramref name="unitQuery"/>, best first.</summary>
    public static List<(int Slot, float Score)> Top(VectorArena vectors, ReadOnlySpan<float> unitQuery, int k, SlotSet accepted)
    {
        var top = new TopK(k);
        for (var slot = 0; slot < vectors.Count; slot++)
        {
            if (accepted.Contains(slot))
            {
                top.Offer(vectors.Similarity(unitQuery, slot), slot);
            }
        }

        return top.ToDescending();
    }
}
