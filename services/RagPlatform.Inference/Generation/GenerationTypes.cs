using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Inference.Generation;

/// <summary>What to continue: a conversation (rendered with the model's chat template), raw text, or token ids.</summary>
public sealed record GenerationPrompt
{
    private GenerationPrompt()
    {
    }

    public IReadOnlyList<ChatMessage>? Messages { get; private init; }

    public string? Text { get; private init; }

    public IReadOnlyList<int>? TokenIds { get; private init; }

    /// <summary>A conversation; the assistant's turn is opened so the model answers next.</summary>
    public static GenerationPrompt FromChat(IReadOnlyList<ChatMessage> messages) =>
        new() { Messages = messages ?? throw new ArgumentNullException(nameof(messages)) };

    /// <summary>Text given to the model as is (no template).</summary>
    public static GenerationPrompt FromText(string text) =>
        new() { Text = text ?? throw new ArgumentNullException(nameof(text)) };

    public static GenerationPrompt FromTokenIds(IReadOnlyList<int> tokenIds) =>
        new() { TokenIds = tokenIds ?? throw new ArgumentNullException(nameof(tokenIds)) };
}

/// <summary>Why generation ended.</summary>
public enum FinishReason
{
    /// <summary>A stop token (end of sequence) or a stop string.</summary>
    Stop,

    /// <summary>max_new_tokens or the context window was reached.</summary>
    Length,

    /// <summary>The caller's cancellation token fired.</summary>
    Cancelled,
}

/// <param name="CompletionTokens">Tokens the model generated, a final stop token included.</param>
public sealed record GenerationUsage(int PromptTokens, int CompletionTokens);

/// <summary>
/// One step of a stream: the text that became final (possibly empty: a split character or a possible stop string is
/// held back) and the ids generated in this step. The last chunk has <see cref="FinishReason"/> and <see cref="Usage"/>.
/// Stop tokens are counted in usage but never appear in <see cref="TokenIds"/>.
/// </summary>
public sealed record GenerationChunk(string Text, IReadOnlyList<int> TokenIds, FinishReason? FinishReason = null, GenerationUsage? Usage = null)
{
    public bool IsFinal => FinishReason is not null;
}

/// <summary>A whole generation: everything the stream emitted, joined.</summary>
public sealed record GenerationResult(string Text, IReadOnlyList<int> TokenIds, FinishReason FinishReason, GenerationUsage Usage);
