using System.Numerics.Tensors;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// Picks the next token from a row of logits the way Hugging Face's generate does: repetition penalty, then greedy
/// argmax (temperature 0) or temperature, top-k, top-p and a draw from what is left. One instance per generation
/// (it holds the random generator and scratch buffers sized to the vocabulary); not thread-safe.
/// </summary>
internal sealed class TokenSampler
{
    // Nucleus sampling first looks for the nucleus among this many best tokens; a flat distribution falls back to a full sort.
    private const int NucleusProbe = 256;

    private readonly GenerationOptions _options;
    private readonly Random _random;
    private readonly float[] _scratch;
    private readonly int[] _ids;
    private readonly float[] _probabilities;

    public TokenSampler(GenerationOptions options, int vocabularySize)
    {
        _options = options;
        _random = options.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
        _scratch = new float[vocabularySize];
        _ids = new int[vocabularySize];
        _probabilities = new float[vocabularySize];
    }

    public bool Greedy => _options.Temperature == 0;

    /// <summary>Chooses a token. <paramref name="logits"/> is modified in place; <paramref name="seen"/> are the ids to penalise (each once).</summary>
    public int Sample(Span<float> logits, ReadOnlySpan<int> seen)
    {
        ApplyRepetitionPenalty(logits, seen, _options.RepetitionPenalty);
        if (Greedy)
        {
            return TensorPrimitives.IndexOfMax(logits);
        }

        var count = BuildDistribution(logits);
        var draw = _random.NextDouble();
        double cumulative = 0;
        for (var i = 0; i < count; i++)
        {
            cumulative += _probabilities[i];
            if (draw < cumulative)
            {
                return _ids[i];
            }
        }

        return _ids[count - 1];
    }

    /// <summary>The candidates' ids (see <see cref="BuildDistribution"/>).</summary>
    public ReadOnlySpan<int> CandidateIds(int count) => _ids.AsSpan(0, count);

    /// <summary>The candidates' probabilities, summing to 1.</summary>
    public ReadOnlySpan<float> CandidateProbabilities(int count) => _probabilities.AsSpan(0, count);

    /// <summary>
    /// CTRL's penalty as Hugging Face applies it: a seen token's positive logit is divided by the penalty, a negative
    /// one multiplied, so the token always becomes less likely for a penalty above 1.
    /// </summary>
    public static void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> seen, float penalty)
    {
        if (penalty == 1f)
        {
            return;
        }

        foreach (var id in seen)
        {
            ref var logit = ref logits[id];
            logit = logit < 0 ? logit * penalty : logit / penalty;
        }
    }

    /// <summary>
    /// Temperature, top-k and top-p applied to <paramref name="logits"/> (already penalised): fills the candidate
    /// ids, most likely first when filtered, with their renormalised probabilities; returns how many there are.
    /// </summary>
    public int BuildDistribution(ReadOnlySpan<float> logits)
    {
        var vocabulary = logits.Length;
        var scaled = _scratch.AsSpan(0, vocabulary);
        TensorPrimitives.Divide(logits, _options.Temperature, scaled);
        var topK = _options.TopK > 0 ? Math.Min(_options.TopK, vocabulary) : vocabulary;
        var topP = _options.TopP;
        int count;
        if (topK < vocabulary)
        {
            count = SelectTop(scaled, topK, _ids);
            Softmax(scaled, _ids.AsSpan(0, count), _probabilities);
        }
        else
        {
            // exp(x - max) over the whole vocabulary, in place; the ids keep vocabulary order until a nucleus needs ranking.
            TensorPrimitives.Subtract(scaled, TensorPrimitives.Max(scaled), scaled);
            TensorPrimitives.Exp(scaled, scaled);
            var total = TensorPrimitives.Sum(scaled);
            if (topP >= 1f)
            {
                for (var i = 0; i < vocabulary; i++)
                {
                    _ids[i] = i;
                }

                TensorPrimitives.Divide(scaled, total, _probabilities.AsSpan(0, vocabulary));
                return vocabulary;
            }

            count = SelectTop(scaled, Math.Min(NucleusProbe, vocabulary), _ids);
            if (!ReachesNucleus(scaled, count, total, topP) && count < vocabulary)
            {
                count = SelectTop(scaled, vocabulary, _ids);
            }

            for (var i = 0; i < count; i++)
            {
                _probabilities[i] = scaled[_ids[i]] / total;
            }
        }

        if (topP < 1f)
        {
            count = NucleusSize(_probabilities.AsSpan(0, count), topP);
        }

        TensorPrimitives.Divide(_probabilities.AsSpan(0, count), TensorPrimitives.Sum(_probabilities.AsSpan(0, count)), _probabilities.AsSpan(0, count));
        return count;
    }

    /// <summary>
    /// How many of the ranked <paramref name="probabilities"/> top-p keeps: Hugging Face drops a token when the mass
    /// of the tokens ranked above it already reaches <paramref name="topP"/>, so the token that crosses it stays.
    /// </summary>
    public static int NucleusSize(ReadOnlySpan<float> probabilities, float topP)
    {
        double above = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (above >= topP)
            {
                return Math.Max(i, 1);
            }

            above += probabilities[i];
        }

        return probabilities.Length;
    }

    private static bool ReachesNucleus(ReadOnlySpan<float> weights, int count, float total, float topP)
    {
        double mass = 0;
        for (var i = 0; i < count; i++)
        {
            mass += weights[i] / total;
        }

        return mass >= topP;
    }

    /// <summary>Indices of the <paramref name="k"/> largest values, largest first (ties: lower index first), via a min-heap.</summary>
    internal static int SelectTop(ReadOnlySpan<float> values, int k, Span<int> destination)
    {
        var heap = destination[..k];
        var size = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (size < k)
            {
                heap[size] = i;
                SiftUp(values, heap, size++);
            }
            else if (Worse(values, heap[0], i))
            {
                heap[0] = i;
                SiftDown(values, heap, 0, size);
            }
        }

        // Heap-sort in place: repeatedly move the worst to the end, leaving the best first.
        for (var end = size - 1; end > 0; end--)
        {
            (heap[0], heap[end]) = (heap[end], heap[0]);
            SiftDown(values, heap, 0, end);
        }

        return size;
    }

    /// <summary>True when index <paramref name="a"/> ranks below <paramref name="b"/>.</summary>
    private static bool Worse(ReadOnlySpan<float> values, int a, int b) => values[a] < values[b] || (values[a] == values[b] && a > b);

    private static void SiftUp(ReadOnlySpan<float> values, Span<int> heap, int index)
    {
        while (index > 0)
        {
            var parent = (index - 1) / 2;
            if (!Worse(values, heap[index], heap[parent]))
            {
                return;
            }

            (heap[index], heap[parent]) = (heap[parent], heap[index]);
            index = parent;
        }
    }

    private static void SiftDown(ReadOnlySpan<float> values, Span<int> heap, int index, int size)
    {
        while (true)
        {
            var left = (2 * index) + 1;
            if (left >= size)
            {
                return;
            }

            var worst = left + 1 < size && Worse(values, heap[left + 1], heap[left]) ? left + 1 : left;
            if (!Worse(values, heap[worst], heap[index]))
            {
                return;
            }

            (heap[index], heap[worst]) = (heap[worst], heap[index]);
            index = worst;
        }
    }

    private static void Softmax(ReadOnlySpan<float> logits, ReadOnlySpan<int> ids, Span<float> probabilities)
    {
        var max = logits[ids[0]];
        float total = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            probabilities[i] = MathF.Exp(logits[ids[i]] - max);
            total += probabilities[i];
        }

        TensorPrimitives.Divide(probabilities[..ids.Length], total, probabilities[..ids.Length]);
    }
}
