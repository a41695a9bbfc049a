using System.Text;

namespace RagPlatform.Tokenizers.Chat;

/// <summary>
/// Qwen2.5's ChatML chat template (tokenizer_config.json's Jinja chat_template) written out in C#, equal to what
/// transformers.js's apply_chat_template renders for conversations without tools.
/// Not supported: the tools list (its system-prompt section) and assistant tool_calls; tool RESULTS (role "tool")
/// are rendered. As in the template, a first system message replaces the default one, and messages with any
/// other role (e.g. "developer") produce nothing.
/// </summary>
public static class QwenChatTemplate
{
    public const string DefaultSystemMessage = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    private const string Start = "<|im_start|>";
    private const string End = "<|im_end|>";

    /// <param name="messages">The conversation so far.</param>
    /// <param name="addGenerationPrompt">Appends "&lt;|im_start|&gt;assistant\n" so the model answers next.</param>
    public static string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        var system = messages.Count > 0 && messages[0].Role == ChatRoles.System ? messages[0].Content : DefaultSystemMessage;
        text.Append(Start).Append("system\n").Append(system).Append(End).Append('\n');

        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            ArgumentNullException.ThrowIfNull(message.Content, $"messages[{i}].Content");
            switch (message.Role)
            {
                case ChatRoles.User or ChatRoles.Assistant:
                case ChatRoles.System when i > 0:
                    text.Append(Start).Append(message.Role).Append('\n').Append(message.Content).Append(End).Append('\n');
                    break;
                case ChatRoles.Tool:
                    // Consecutive tool results share one user turn.
                    if (i == 0 || messages[i - 1].Role != ChatRoles.Tool)
                    {
                        text.Append(Start).Append("user");
                    }

                    text.Append("\n<tool_response>\n").Append(message.Content).Append("\n</tool_response>");
                    if (i == messages.Count - 1 || messages[i + 1].Role != ChatRoles.Tool)
                    {
                        text.Append(End).Append('\n');
                    }

                    break;
            }
        }

        if (addGenerationPrompt)
        {
            text.Append(Start).Append("assistant\n");
        }

        return text.ToString();
    }
}
