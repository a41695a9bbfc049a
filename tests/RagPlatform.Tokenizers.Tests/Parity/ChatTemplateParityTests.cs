using System.Text.Json.Nodes;
using RagPlatform.Tokenizers.Chat;
using RagPlatform.Tokenizers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Tokenizers.Tests.Parity;

/// <summary>The C# ChatML template against @huggingface/jinja rendering Qwen2.5's real chat_template.</summary>
[Trait("Category", "Parity")]
[Collection(ModelsCollection.Name)]
public sealed class ChatTemplateParityTests(ModelsFixture models, ITestOutputHelper output)
{
    [Fact]
    public async Task QwenChatTemplate_Render_EqualsTransformersJsApplyChatTemplate()
    {
        var conversations = Conversations.Generate(600);
        var request = new
        {
            modelDir = models.QwenTokenizerJsonDir,
            conversations = conversations.Select(c => new
            {
                messages = c.Messages.Select(m => new { role = m.Role, content = m.Content }).ToList(),
                addGenerationPrompt = c.AddGenerationPrompt,
            }).ToList(),
        };
        var response = await NodeOracle.RunAsync("chat-template.mjs", request);
        var results = response["results"]!.AsArray();

        var report = new ParityReport("Qwen2.5 chat template (vs transformers.js)", output);
        for (var i = 0; i < conversations.Count; i++)
        {
            var (messages, addGenerationPrompt) = conversations[i];
            var expected = results[i]!;
            Assert.Null((string?)expected["error"]);
            var rendered = QwenChatTemplate.Render(messages, addGenerationPrompt);
            var ids = models.QwenFromTokenizerJson.Encode(rendered).Ids;
            report.Add(string.Join(" | ", messages.Select(m => m.Role)),
                ParityReport.DiffText("rendered", (string?)expected["text"], rendered),
                ParityReport.Diff("ids", ((JsonArray)expected["ids"]!).Select(n => (int)n!).ToList(), ids));
        }

        report.Assert();
    }
}
