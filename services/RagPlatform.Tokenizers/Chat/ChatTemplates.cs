namespace RagPlatform.Tokenizers.Chat;

/// <summary>
/// The chat template of each model family we serve, by config.json's model_type: one choice for the generator, which
/// renders its prompts, and the orchestrator, which counts them with its own copy of the generator's tokenizer.
/// </summary>
public static class ChatTemplates
{
    /// <summary>Renders <paramref name="messages"/> with an open assistant turn, as the generator feeds them.</summary>
    /// <exception cref="NotSupportedException">No template is implemented for <paramref name="modelType"/>.</exception>
    public static string Render(string modelType, IReadOnlyList<ChatMessage> messages) => modelType switch
    {
        "qwen2" => QwenChatTemplate.Render(messages, addGenerationPrompt: true),
        _ => throw new NotSupportedException($"No chat template is implemented for model_type '{modelType}'; send a raw text prompt."),
    };
}
