using RagPlatform.Tokenizers.Chat;

namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>Seeded random conversations over every role the Qwen2.5 template handles (and one it ignores).</summary>
internal static class Conversations
{
    public static List<(List<ChatMessage> Messages, bool AddGenerationPrompt)> Generate(int count)
    {
        var random = new Random(7);
        var contents = ParityCorpus.EdgeCases().Take(250).Concat(ParityCorpus.SquadQuestions.Take(100)).ToArray();
        string[] roles = [ChatRoles.User, ChatRoles.Assistant, ChatRoles.User, ChatRoles.Assistant, ChatRoles.Tool, ChatRoles.System, "developer"];
        var conversations = new List<(List<ChatMessage>, bool)>
        {
            ([], true),
            ([], false),
            ([ChatMessage.User("Hello")], true),
            ([ChatMessage.System("Answer from the context only."), ChatMessage.User("What is RAG?")], true),
            ([ChatMessage.System("")], false),
            ([ChatMessage.Tool("{\"temperature\": 21}"), ChatMessage.Tool("second result")], true),
        };

        for (var i = conversations.Count; i < count; i++)
        {
            var messages = new List<ChatMessage>();
            if (random.Next(3) == 0)
            {
                messages.Add(ChatMessage.System(contents[random.Next(contents.Length)]));
            }

            var turns = random.Next(0, 7);
            for (var t = 0; t < turns; t++)
            {
                messages.Add(new ChatMessage(roles[random.Next(roles.Length)], contents[random.Next(contents.Length)]));
            }

            conversations.Add((messages, random.Next(2) == 0));
        }

        return conversations;
    }
}
