using System.Runtime.InteropServices;
using RagPlatform.Tokenizers;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// One generation, one token per <see cref="Next"/>: a forward pass (the prompt first, in chunks, then the last token
/// against the cache), sampling, stop checks and text streaming. The KV cache is released as soon as the run ends
/// for any reason, cancellation included. Not thread-safe.
/// </summary>
internal sealed class GenerationRun : IDisposable
{
    private readonly DecoderState _state;
    private readonly TokenSampler _sampler;
    private readonly IStreamingDecoder? _decoder;
    private readonly StopStringFilter _stopStrings;
    private readonly IReadOnlyList<int> _prompt;
    private readonly IReadOnlySet<int> _stopTokens;
    private readonly int _maxNewTokens;
    private readonly int _prefillChunk;
    private readonly float[] _logits;
    private readonly bool[] _seen;
    private readonly List<int> _seenIds = [];
    private int _completionTokens;
    private int? _lastToken;
    private bool _finished;

    public GenerationRun(DecoderState state, TokenSampler sampler, IStreamingDecoder? decoder, GenerationOptions options,
        IReadOnlyList<int> prompt, IReadOnlySet<int> stopTokens, int maxNewTokens, int vocabularySize, int prefillChunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefillChunk, 1);
        _state = state;
        _sampler = sampler;
        _decoder = decoder;
        _stopStrings = new StopStringFilter(options.StopStrings);
        _prompt = prompt;
        _stopTokens = stopTokens;
        _maxNewTokens = maxNewTokens;
        _prefillChunk = prefillChunk;
        _logits = new float[vocabularySize];
        _seen = new bool[vocabularySize];
        if (options.RepetitionPenalty != 1f)
        {
            foreach (var id in prompt)
            {
                MarkSeen(id);
            }
        }
    }

    public GenerationChunk Next(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_lastToken is { } last)
            {
                _state.Forward([last], _logits, cancellationToken);
            }
            else
            {
                Prefill(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Finish(FinishReason.Cancelled, string.Empty, []);
        }

        var token = _sampler.Sample(_logits, CollectionsMarshal.AsSpan(_seenIds));
        _completionTokens++;
        if (_stopTokens.Contains(token))
        {
            return Finish(FinishReason.Stop, FlushText(), []);
        }

        _lastToken = token;
        MarkSeen(token);
        var text = _stopStrings.Push(_decoder?.Append(token) ?? string.Empty);
        if (_stopStrings.Stopped)
        {
            return Finish(FinishReason.Stop, text, [token]);
        }

        return _completionTokens >= _maxNewTokens
            ? Finish(FinishReason.Length, text + FlushText(), [token])
            : new GenerationChunk(text, [token]);
    }

    /// <summary>
    /// Feeds the prompt a chunk at a time; the last chunk's last row is the next token's logits. A model exported as
    /// Optimum does computes logits for every fed position: fed whole, a 1,500-token prompt on Qwen2.5's 151,936-token
    /// vocabulary is a 900 MB output, and ONNX Runtime's arena keeps its high-water mark for the life of the process (a
    /// 20 MB model's generator measured 3 GB resident). Each chunk attends to the cache of those before it, so the
    /// result is the same; a long prompt can also be cancelled between chunks. (`rag models optimize` and the forge
    /// make the head compute the last position only, which also spares its arithmetic.)
    /// </summary>
    private void Prefill(CancellationToken cancellationToken)
    {
        var prompt = _prompt as int[] ?? [.. _prompt];
        for (var start = 0; start < prompt.Length; start += _prefillChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _state.Forward(prompt.AsSpan(start, Math.Min(_prefillChunk, prompt.Length - start)), _logits, cancellationToken);
        }
    }

    public void Dispose()
    {
        _finished = true;
        _state.Dispose();
    }

    private GenerationChunk Finish(FinishReason reason, string text, int[] tokens)
    {
        Dispose();
        return new GenerationChunk(text, tokens, reason, new GenerationUsage(_prompt.Count, _completionTokens));
    }

    /// <summary>The decoder's held-back bytes, then whatever the stop-string filter held: the stream is over.</summary>
    private string FlushText()
    {
        var text = _stopStrings.Push(_decoder?.Flush() ?? string.Empty);
        return text + _stopStrings.Flush();
    }

    private void MarkSeen(int id)
    {
        if ((uint)id < (uint)_seen.Length && !_seen[id])
        {
            _seen[id] = true;
            _seenIds.Add(id);
        }
    }
}
