namespace RagPlatform.Tokenizers.Chat;

/// <summary>One turn of a conversation. Roles the template knows: system, user, assistant, tool.</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public static ChatMessage System(string content) => new(ChatRoles.System, content);

    public static ChatMessage User(string content) => new(ChatRoles.User, content);

    public static ChatMessage Assistant(string content) => new(ChatRoles.Assistant, content);

    public static ChatMessage Tool(string content) => new(ChatRoles.Tool, content);
}

public static class ChatRoles
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Tool = "tool";
}
