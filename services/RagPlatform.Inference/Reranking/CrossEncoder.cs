using System.Numerics.Tensors;
using RagPlatform.Inference.Batching;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Tokenizers;

namespace RagPlatform.Inference.Reranking;

/// <summary>
/// Scores (query, passage) pairs with a sequence-classification model that has one logit (ms-marco-MiniLM and the
/// like). Pairs are encoded as [CLS] query [SEP] passage [SEP]; only the passage is ever truncated. Thread-safe.
/// </summary>
/// <remarks>Synchronous on purpose: the work is CPU-bound inside ONNX Runtime and cancellable through the token.</remarks>
public sealed class CrossEncoder : IDisposable
{
    private readonly OnnxSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly EncoderSignature _signature;
    private readonly CrossEncoderOptions _options;
    private readonly int _pairSpecialTokens;
    private readonly int _padId;

    private CrossEncoder(OnnxSession session, ModelDirectory model, CrossEncoderOptions options)
    {
        _session = session;
        _tokenizer = model.Tokenizer;
        _options = options;
        _signature = EncoderSignature.Of(session, "logits");
        var logits = session.Outputs["logits"].Dimensions;
        if (logits.Length != 2 || logits[1] is not (1 or -1))
        {
            throw new NotSupportedException($"'{model.OnnxPath}' has logits [{string.Join(',', logits)}]; a cross-encoder with one logit per pair is required.");
        }

        _pairSpecialTokens = _tokenizer.EncodePair("", "", TruncationStrategy.OnlySecond).Length;
        _padId = _tokenizer.SpecialTokens.Pad ?? model.Config.PadTokenId ?? 0;
        MaxTokens = new[] { options.MaxTokens ?? int.MaxValue, _tokenizer.ModelMaxLength, model.Config.MaxPositions > 0 ? model.Config.MaxPositions : int.MaxValue }.Min();
        Model = new ModelSummary(model.ModelId, model.Config.Architecture, model.IsForged(session), MaxTokens, 0, _tokenizer.VocabularySize, model.OnnxPath) { Device = session.Device };
    }

    public ModelSummary Model { get; }

    /// <summary>Tokens per pair the model sees, special tokens included.</summary>
    public int MaxTokens { get; }

    public static CrossEncoder Open(OnnxSessionFactory sessions, ModelDirectory model, CrossEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(model);
        options ??= new CrossEncoderOptions();
        options.Validate();
        _ = model.Tokenizer;
        var session = model.OpenSession(sessions, options.Session);
        try
        {
            return new CrossEncoder(session, model, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Scores every passage against one query, in order.</summary>
    /// <param name="sigmoid">Map logits to (0, 1) with the logistic function instead of returning them raw.</param>
    /// <exception cref="ArgumentException">The query alone fills the token limit, leaving no room for a passage.</exception>
    public IReadOnlyList<PairScore> Score(string query, IReadOnlyList<string> passages, bool sigmoid = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(passages);
        CheckQueryFits(query);
        return ScorePairs(passages.Count, i => (query, passages[i] ?? throw new ArgumentNullException(nameof(passages), $"passages[{i}] is null.")), sigmoid, cancellationToken);
    }

    /// <summary>Scores independent (query, passage) pairs, in order.</summary>
    public IReadOnlyList<PairScore> Score(IReadOnlyList<(string Query, string Passage)> pairs, bool sigmoid = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var query in pairs.Select(p => p.Query).Distinct(StringComparer.Ordinal))
        {
            CheckQueryFits(query ?? throw new ArgumentNullException(nameof(pairs), "A pair has a null query."));
        }

        return ScorePairs(pairs.Count, i => pairs[i], sigmoid, cancellationToken);
    }

    public void Dispose() => _session.Dispose();

    private IReadOnlyList<PairScore> ScorePairs(int count, Func<int, (string Query, string Passage)> pair, bool sigmoid, CancellationToken cancellationToken)
    {
        var results = new PairScore[count];
        var logits = new float[Math.Min(count, _options.MaxBatchSize)];
        for (var start = 0; start < count; start += _options.MaxBatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var size = Math.Min(_options.MaxBatchSize, count - start);
            var rows = new TokenEncoding[size];
            for (var i = 0; i < size; i++)
            {
                var (query, passage) = pair(start + i);
                rows[i] = _tokenizer.EncodePair(query, passage ?? throw new ArgumentNullException(nameof(pair), $"Pair {start + i} has a null passage."),
                    TruncationStrategy.OnlySecond, MaxTokens);
            }

            using (var batch = new EncoderBatch(rows, _padId))
            using (var outputs = batch.Run(_session, _signature, cancellationToken))
            {
                var data = outputs[0].GetTensorDataAsSpan<float>();
                if (data.Length != size)
                {
                    throw new InvalidOperationException($"'logits' has {data.Length} values for {size} pairs.");
                }

                data.CopyTo(logits);
            }

            var scores = logits.AsSpan(0, size);
            if (sigmoid)
            {
                TensorPrimitives.Sigmoid(scores, scores);
            }

            for (var i = 0; i < size; i++)
            {
                results[start + i] = new PairScore(scores[i], rows[i].Length, rows[i].Truncated);
            }
        }

        return results;
    }

    private void CheckQueryFits(string query)
    {
        var queryTokens = _tokenizer.Encode(query, addSpecialTokens: false).Length;
        if (queryTokens + _pairSpecialTokens >= MaxTokens)
        {
            throw new ArgumentException(
                $"The query is {queryTokens} tokens; with the {_pairSpecialTokens} special tokens of a pair it leaves no room for a passage " +
                $"within the model's {MaxTokens}-token limit. Shorten the query (queries are never truncated).", nameof(query));
        }
    }
}
