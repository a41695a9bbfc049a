using RagPlatform.Inference.Batching;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Tokenizers;

namespace RagPlatform.Inference.Embeddings;

/// <summary>
/// Sentence embeddings from an encoder model (all-MiniLM-L6-v2 and the like): tokenize with truncation, pad to the
/// longest text of each run, run the model, pool (mean or CLS) and L2-normalise. Thread-safe: one instance per model
/// serves concurrent requests.
/// </summary>
/// <remarks>Synchronous on purpose: the work is CPU-bound inside ONNX Runtime and cancellable through the token.</remarks>
public sealed class TextEmbedder : IDisposable
{
    private readonly OnnxSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly EncoderSignature _signature;
    private readonly TextEmbedderOptions _options;
    private readonly PoolingMode _pooling;
    private readonly EmbeddingPrefixes _prefixes;
    private readonly int _padId;

    private TextEmbedder(OnnxSession session, ModelDirectory model, TextEmbedderOptions options)
    {
        _session = session;
        _tokenizer = model.Tokenizer;
        _options = options;
        _signature = EncoderSignature.Of(session, "last_hidden_state", "token_embeddings");
        _pooling = options.Pooling ?? model.Pooling ?? PoolingMode.Mean;
        _prefixes = options.Prefixes ?? model.Prefixes;
        _padId = _tokenizer.SpecialTokens.Pad ?? model.Config.PadTokenId ?? 0;
        MaxTokens = new[] { options.MaxTokens ?? int.MaxValue, _tokenizer.ModelMaxLength, model.Config.MaxPositions > 0 ? model.Config.MaxPositions : int.MaxValue }.Min();
        var declared = session.Outputs[_signature.Output].Dimensions;
        Dimensions = declared.Length == 3 && declared[2] > 0 ? declared[2] : model.Config.HiddenSize;
        Model = new ModelSummary(model.ModelId, model.Config.Architecture, model.IsForged(session), MaxTokens, Dimensions,
            _tokenizer.VocabularySize, model.OnnxPath) { Device = session.Device };
    }

    public ModelSummary Model { get; }

    public int Dimensions { get; }

    /// <summary>Tokens per text the model sees, special tokens included; longer texts are truncated.</summary>
    public int MaxTokens { get; }

    public static TextEmbedder Open(OnnxSessionFactory sessions, ModelDirectory model, TextEmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(model);
        options ??= new TextEmbedderOptions();
        options.Validate();
        _ = model.Tokenizer;
        var session = model.OpenSession(sessions, options.Session);
        try
        {
            return new TextEmbedder(session, model, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>One embedding per text, in order. Texts longer than <see cref="MaxTokens"/> are truncated (reported per text).</summary>
    public IReadOnlyList<Embedding> Embed(IReadOnlyList<string> texts, EmbeddingRole role = EmbeddingRole.Passage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var prefix = role == EmbeddingRole.Query ? _prefixes.Query : _prefixes.Passage;
        var rows = new TokenEncoding[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentNullException(nameof(texts), $"texts[{i}] is null.");
            rows[i] = _tokenizer.Encode(prefix.Length == 0 ? text : prefix + text, maxLength: MaxTokens);
        }

        var results = new Embedding[texts.Count];
        foreach (var run in LengthBuckets.Plan([.. rows.Select(r => r.Length)], _options.MaxBatchSize, _options.BucketByLength))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var runResults = new Embedding[run.Length];
            EmbedBatch([.. run.Select(i => rows[i])], runResults, cancellationToken);
            for (var i = 0; i < run.Length; i++)
            {
                results[run[i]] = runResults[i];
            }
        }

        return results;
    }

    public void Dispose() => _session.Dispose();

    private void EmbedBatch(TokenEncoding[] rows, Span<Embedding> results, CancellationToken cancellationToken)
    {
        using var batch = new EncoderBatch(rows, _padId);
        using var outputs = batch.Run(_session, _signature, cancellationToken);
        var hidden = outputs[0];
        var shape = hidden.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != batch.BatchSize || shape[1] != batch.SequenceLength || shape[2] != Dimensions)
        {
            throw new InvalidOperationException(
                $"'{_signature.Output}' has shape [{string.Join(',', shape)}]; expected [{batch.BatchSize},{batch.SequenceLength},{Dimensions}].");
        }

        // Pooled straight from ORT's output buffer: the [batch, sequence, hidden] block is never copied.
        var data = hidden.GetTensorDataAsSpan<float>();
        for (var r = 0; r < rows.Length; r++)
        {
            var vector = new float[Dimensions];
            Pooling.Pool(data, batch.SequenceLength, r, rows[r].Length, _pooling, vector);
            if (_options.Normalize)
            {
                Pooling.Normalize(vector);
            }

            results[r] = new Embedding(vector, rows[r].Length, rows[r].Truncated);
        }
    }
}
