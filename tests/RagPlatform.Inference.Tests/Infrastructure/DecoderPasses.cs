using RagPlatform.Inference.Generation;

namespace RagPlatform.Inference.Tests.Infrastructure;

/// <summary>
/// Reference logits for cache tests. A decoder may return the last position's logits only, so "one full forward pass"
/// is taken per prefix: a fresh state fed ids[0..length) whole, keeping its last row.
/// </summary>
internal static class DecoderPasses
{
    /// <summary>The last-position logits of a full pass over each prefix length, concatenated ([lengths, vocabulary]).</summary>
    public static float[] FullPassLastLogits(TextGenerator generator, int[] ids, IReadOnlyList<int> lengths)
    {
        var vocabulary = generator.Model.VocabularySize;
        var all = new float[lengths.Count * vocabulary];
        for (var i = 0; i < lengths.Count; i++)
        {
            using var state = generator.CreateState(lengths[i]);
            state.Forward(ids.AsSpan(0, lengths[i]), all.AsSpan(i * vocabulary, vocabulary), CancellationToken.None);
        }

        return all;
    }
}
