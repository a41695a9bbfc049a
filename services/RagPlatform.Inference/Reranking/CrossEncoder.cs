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
        EnsureQueryFits(query);
        return ScorePairs(passages.Count, i => (query, passages[i] ?? throw new ArgumentNullException(nameof(passages), $"passages[{i}] is null.")), sigmoid, cancellationToken);
    }

    /// <summary>Scores independent (query, passage) pairs, in order.</summary>
    public IReadOnlyList<PairScore> Score(IReadOnlyList<(string Query, string Passage)> pairs, bool sigmoid = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (var query in pairs.Select(p => p.Query).Distinct(StringComparer.Ordinal))
        {
            EnsureQueryFits(query ?? throw new ArgumentNullException(nameof(pairs), "A pair has a null query."));
        }

        return ScorePairs(pairs.Count, i => pairs[i], sigmoid, cancellationToken);
    }

    public void Dispose() => _session.Dispose();

    private IReadOnlyList<PairScore> ScorePairs(int count, Func<int, (string Query, string Passage)> pair, bool sigmoid, CancellationToken cancellationToken)
    {
        var rows = new TokenEncoding[count];
        for (var i = 0; i < count; i++)
        {
            var (query, passage) = pair(i);
            rows[i] = _tokenizer.EncodePair(query, passage ?? throw new ArgumentNullException(nameof(pair), $"Pair {i} has a null passage."),
                TruncationStrategy.OnlySecond, MaxTokens);
        }

        var results = new PairScore[count];
        foreach (var run in LengthBuckets.Plan([.. rows.Select(r => r.Length)], _options.MaxBatchSize, _options.BucketByLength))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var runRows = run.Select(i => rows[i]).ToArray();
            using var batch = new EncoderBatch(runRows, _padId);
            using var outputs = batch.Run(_session, _signature, cancellationToken);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            if (logits.Length != run.Length)
            {
                throw new InvalidOperationException($"'logits' has {logits.Length} values for {run.Length} pairs.");
            }

            for (var i = 0; i < run.Length; i++)
            {
                var score = sigmoid ? 1f / (1f + MathF.Exp(-logits[i])) : logits[i];
                results[run[i]] = new PairScore(score, runRows[i].Length, runRows[i].Truncated);
            }
        }

        return results;
    }

    /// <summary>Throws when <paramref name="query"/> alone fills the token limit (queries are never truncated).</summary>
    /// <exception cref="ArgumentException">No room is left for a passage; ParamName is "query".</exception>
    public void EnsureQueryFits(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var queryTokens = _tokenizer.Encode(query, addSpecialTokens: false).Length;
        if (queryTokens + _pairSpecialTokens >= MaxTokens)
        {
            throw new ArgumentException(
                $"The query is {queryTokens} tokens; with the {_pairSpecialTokens} special tokens of a pair it leaves no room for a passage " +
                $"within the model's {MaxTokens}-token limit. Shorten the query (queries are never truncated).", nameof(query));
        }
    }
}
