using System.Runtime.CompilerServices;
using System.Text;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Tokenizers;
using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// Text generation with a decoder-only model exported with its KV cache (Qwen2.5, SmolLM2, ...): the prompt is run
/// once, then one token per step against the cache. Output streams as chunks; cancellation ends the stream with
/// <see cref="FinishReason.Cancelled"/> and frees the cache at once. Thread-safe: concurrent generations share the
/// session, each with its own cache.
/// </summary>
public sealed class TextGenerator : IDisposable
{
    private readonly OnnxSession _session;
    private readonly ModelDirectory _model;
    private readonly HashSet<int> _stopTokens;
    private readonly int _vocabularySize;

    /// <summary>Bound on one prefill pass's logits output; see <see cref="TextGeneratorOptions.PrefillChunkTokens"/>.</summary>
    private const int PrefillLogitsBudgetBytes = 64 * 1024 * 1024;

    /// <summary>Below this, per-pass overhead would outweigh the memory saved (a huge vocabulary still gets 16-token passes).</summary>
    private const int MinPrefillChunkTokens = 16;

    /// <summary>
    /// Prompt tokens per prefill pass when the LM head returns the last position only: the logits are one row whatever
    /// the pass, so passes are sized for fewer, larger products, while one pass's attention scores (heads × chunk ×
    /// context floats, 28 MB for Qwen2.5 at 1,000 tokens) stay small and a cancellation still lands between passes.
    /// </summary>
    private const int LastPositionPrefillChunkTokens = 512;

    private TextGenerator(OnnxSession session, ModelDirectory model, TextGeneratorOptions options)
    {
        _session = session;
        _model = model;
        Signature = DecoderSignature.Of(session, model.Config);
        var logits = session.Outputs["logits"].Dimensions;
        _vocabularySize = logits.Length == 3 && logits[2] > 0 ? logits[2] : model.Config.VocabularySize;
        if (_vocabularySize <= 0)
        {
            throw new NotSupportedException($"Neither '{model.OnnxPath}' nor config.json gives the vocabulary size.");
        }

        _stopTokens = model.EosTokenIds.ToHashSet();
        ContextWindow = Math.Min(options.ContextWindow ?? int.MaxValue, model.Config.MaxPositions > 0 ? model.Config.MaxPositions : int.MaxValue);
        PrefillChunkTokens = options.PrefillChunkTokens ?? (Signature.LastPositionLogits
            ? LastPositionPrefillChunkTokens
            : Math.Max(MinPrefillChunkTokens, PrefillLogitsBudgetBytes / (_vocabularySize * sizeof(float))));
        Model = new ModelSummary(model.ModelId, model.Config.Architecture, model.IsForged(session), ContextWindow, 0, _vocabularySize, model.OnnxPath) { Device = session.Device };
    }

    public ModelSummary Model { get; }

    /// <summary>Most tokens of prompt plus output.</summary>
    public int ContextWindow { get; }

    /// <summary>Prompt tokens per prefill pass (110 for Qwen2.5's vocabulary with the default budget; 512 for a last-position head).</summary>
    public int PrefillChunkTokens { get; }

    /// <summary>Ids that end generation (config.json, generation_config.json and the tokenizer's eos).</summary>
    public IReadOnlyCollection<int> StopTokenIds => _stopTokens;

    internal DecoderSignature Signature { get; }

    /// <summary>KV-cache tensors currently alive across all generations of this instance.</summary>
    internal CacheTensorCounter CacheTensors { get; } = new();

    /// <param name="model">Its tokenizer is needed for text and chat prompts and for text output; a tokenizer-less
    /// model (benchmarks) takes token-id prompts and streams ids only.</param>
    public static TextGenerator Open(OnnxSessionFactory sessions, ModelDirectory model, TextGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(model);
        options ??= new TextGeneratorOptions();
        options.Validate();
        var session = model.OpenSession(sessions, options.Session);
        try
        {
            return new TextGenerator(session, model, options);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The token ids the model is fed for <paramref name="prompt"/>.</summary>
    public IReadOnlyList<int> EncodePrompt(GenerationPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.TokenIds is { } ids)
        {
            return ids;
        }

        var text = prompt.Text ?? RenderChat(prompt.Messages!);
        return _model.Tokenizer.Encode(text).Ids;
    }

    /// <summary>
    /// Streams the continuation of <paramref name="prompt"/>. Arguments are checked before the first chunk
    /// (<see cref="ArgumentException"/> naming the field); the last chunk carries the finish reason and usage.
    /// </summary>
    public IAsyncEnumerable<GenerationChunk> StreamAsync(GenerationPrompt prompt, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.StopStrings.Count > 0 && !_model.HasTokenizer)
        {
            throw new ArgumentException("Stop strings need the model's tokenizer, which this model directory lacks.", "stop");
        }

        var ids = EncodePrompt(prompt);
        if (ids.Count == 0)
        {
            throw new ArgumentException("The prompt is empty.", nameof(prompt));
        }

        if (ids.Count >= ContextWindow)
        {
            throw new ArgumentException($"The prompt is {ids.Count} tokens; the context window is {ContextWindow}, leaving no room to generate.", nameof(prompt));
        }

        if (ids.Any(id => (uint)id >= (uint)_vocabularySize))
        {
            throw new ArgumentException($"The prompt has token ids outside the vocabulary [0, {_vocabularySize}).", nameof(prompt));
        }

        return Stream(ids, options, cancellationToken);
    }

    /// <summary>Runs a whole generation and joins its chunks.</summary>
    public async Task<GenerationResult> GenerateAsync(GenerationPrompt prompt, GenerationOptions options, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        var tokens = new List<int>();
        await foreach (var chunk in StreamAsync(prompt, options, cancellationToken).ConfigureAwait(false))
        {
            text.Append(chunk.Text);
            tokens.AddRange(chunk.TokenIds);
            if (chunk.IsFinal)
            {
                return new GenerationResult(text.ToString(), tokens, chunk.FinishReason!.Value, chunk.Usage!);
            }
        }

        throw new InvalidOperationException("The generation stream ended without a final chunk.");
    }

    public void Dispose() => _session.Dispose();

    /// <summary>A fresh cache for <paramref name="capacity"/> tokens (the generation loop's, and tests' full-vs-cached comparisons).</summary>
    internal DecoderState CreateState(int capacity) => new(_session, Signature, capacity, CacheTensors);

    private async IAsyncEnumerable<GenerationChunk> Stream(IReadOnlyList<int> prompt, GenerationOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Return to the caller before the first (long) forward pass; ORT runs on a pool thread from here on.
        await Task.Yield();
        var maxNewTokens = Math.Min(options.MaxNewTokens, ContextWindow - prompt.Count);
        var decoder = _model.HasTokenizer ? _model.Tokenizer.CreateStreamingDecoder(options.SkipSpecialTokens) : null;
        using var run = new GenerationRun(CreateState(prompt.Count + maxNewTokens), new TokenSampler(options, _vocabularySize), decoder, options,
            prompt, _stopTokens, maxNewTokens, _vocabularySize, PrefillChunkTokens);
        while (true)
        {
            var chunk = run.Next(cancellationToken);
            yield return chunk;
            if (chunk.IsFinal)
            {
                yield break;
            }
        }
    }

    private string RenderChat(IReadOnlyList<ChatMessage> messages) => ChatTemplates.Render(_model.Config.ModelType, messages);
}
