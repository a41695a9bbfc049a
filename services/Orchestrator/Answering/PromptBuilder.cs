using System.Text;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>The conversation sent to the generator and the numbered passages in it.</summary>
internal sealed record AnswerPrompt(Chat Chat, IReadOnlyList<RetrievedPassage> Passages, int PromptTokens);

/// <summary>
/// Packs the ranked passages, best first, into the generator's context budget measured in the generator's own tokens
/// (CountTokens): min(Answering:MaxPromptTokens, context window − answer tokens) minus the system rules, the question
/// and the chat template. A passage that does not fit is skipped, so a shorter one after it may still go in. Passages
/// are numbered in the order they appear; the answer cites them by that number.
/// </summary>
internal sealed class PromptBuilder(ModelServices services, AnsweringOptions options)
{
    public async Task<AnswerPrompt> BuildAsync(AskPlan plan, IReadOnlyList<RetrievedPassage> ranked, CancellationToken cancellationToken)
    {
        var question = $"Question: {Neutralise(plan.Question)}";
        var count = new CountTokensRequest
        {
            // The template's own tokens: a chat with both turns empty.
            Chat = new Chat { Messages = { Message(ChatRole.System, ""), Message(ChatRole.User, "") } },
        };
        count.Texts.Add(options.SystemPrompt);
        count.Texts.Add(question);
        count.Texts.AddRange(ranked.Select((passage, i) => Block(i + 1, passage)));
        var counted = await services.Generator.CallAsync(o => services.GeneratorClient.CountTokensAsync(count, o), plan.Deadline, cancellationToken);
        _ = await services.GeneratorInfoAsync(plan.Deadline, cancellationToken);

        var fixedTokens = counted.ChatTokens + counted.TextTokens[0] + counted.TextTokens[1] + SeparatorAllowance;
        var budget = Math.Min(options.MaxPromptTokens, counted.MaxTokens - plan.MaxNewTokens) - fixedTokens;
        if (budget < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"question: with the system rules and max_new_tokens {plan.MaxNewTokens} it leaves no room in the generator's " +
                $"{Math.Min(options.MaxPromptTokens, counted.MaxTokens)}-token prompt budget; shorten it or lower max_new_tokens."));
        }

        var chosen = new List<RetrievedPassage>();
        var used = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            // Numbers shift as passages are skipped; allow for a longer number than counted.
            var cost = counted.TextTokens[i + 2] + SeparatorAllowance;
            if (used + cost <= budget)
            {
                chosen.Add(ranked[i]);
                used += cost;
            }
        }

        var user = new StringBuilder("Passages:\n\n");
        for (var i = 0; i < chosen.Count; i++)
        {
            user.Append(Block(i + 1, chosen[i])).Append("\n\n");
        }

        user.Append(question);
        var chat = new Chat { Messages = { Message(ChatRole.System, options.SystemPrompt), Message(ChatRole.User, user.ToString()) } };
        return new AnswerPrompt(chat, chosen, fixedTokens + used);
    }

    /// <summary>Tokens allowed for the blank lines and labels that join the pieces, and for renumbering.</summary>
    private const int SeparatorAllowance = 4;

    private static string Block(int n, RetrievedPassage passage)
    {
        var source = passage.Section.Count > 0 ? string.Join(" > ", passage.Section) : passage.Title ?? passage.DocumentId;
        return $"[{n}] ({Neutralise(passage.DocumentId)}: {Neutralise(source)})\n{Neutralise(passage.Text)}";
    }

    /// <summary>
    /// Breaks chat-template control sequences (ChatML's &lt;|im_start|&gt;, &lt;|im_end|&gt; and kin) inside document
    /// text and questions, so a document cannot close the user turn and open a system turn of its own: the
    /// tokenizer would otherwise read them as real special tokens.
    /// </summary>
    internal static string Neutralise(string text) =>
        text.Contains("<|", StringComparison.Ordinal) || text.Contains("|>", StringComparison.Ordinal)
            ? text.Replace("<|", "< |", StringComparison.Ordinal).Replace("|>", "| >", StringComparison.Ordinal)
            : text;

    private static ChatMessage Message(ChatRole role, string content) => new() { Role = role, Content = content };
}
