using System.Text;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Tokenizers;
using ChatTemplates = RagPlatform.Tokenizers.Chat.ChatTemplates;
using TemplateMessage = RagPlatform.Tokenizers.Chat.ChatMessage;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>The conversation sent to the generator and the numbered passages in it.</summary>
internal sealed record AnswerPrompt(Chat Chat, IReadOnlyList<RetrievedPassage> Passages, int PromptTokens);

/// <summary>
/// Packs the ranked passages, best first, into the generator's context budget measured in the generator's own tokens,
/// counted here with a local copy of its tokenizer and chat template (<see cref="ModelTokenizers"/>; no call per ask):
/// min(Answering:MaxPromptTokens, context window − answer tokens). A passage that does not fit is skipped, so a shorter
/// one after it may still go in; the final prompt is counted whole, exactly as the generator will encode it. Passages
/// are numbered in the order they appear; the answer cites them by that number.
/// </summary>
internal sealed class PromptBuilder(ModelTokenizers tokenizers, AnsweringOptions options)
{
    /// <summary>Tokens allowed per passage for renumbering (a skipped passage shifts the numbers after it).</summary>
    private const int RenumberAllowance = 2;

    /// <param name="generator">What the generator serves: its tokenizer, chat template (architecture) and context window.</param>
    public async Task<AnswerPrompt> BuildAsync(AskPlan plan, IReadOnlyList<RetrievedPassage> ranked, ModelInfo generator, CancellationToken cancellationToken)
    {
        var tokenizer = await tokenizers.GeneratorAsync(generator, cancellationToken);
        var question = $"Question: {Neutralise(plan.Question)}";
        var limit = Math.Min(options.MaxPromptTokens, generator.MaxTokens - plan.MaxNewTokens);
        var fixedTokens = Count(tokenizer, generator, User([], question));
        if (fixedTokens > limit)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"question: with the system rules and max_new_tokens {plan.MaxNewTokens} it leaves no room in the generator's " +
                $"{Math.Min(options.MaxPromptTokens, generator.MaxTokens)}-token prompt budget; shorten it or lower max_new_tokens."));
        }

        var chosen = new List<RetrievedPassage>();
        var used = fixedTokens;
        foreach (var passage in ranked)
        {
            var cost = tokenizer.Encode(Block(chosen.Count + 1, passage) + Separator, addSpecialTokens: false).Length + RenumberAllowance;
            if (used + cost <= limit)
            {
                chosen.Add(passage);
                used += cost;
            }
        }

        // Tokens can merge across the joins: the whole prompt is what counts, so trim from the end until it fits.
        var user = User(chosen, question);
        var tokens = Count(tokenizer, generator, user);
        while (tokens > limit && chosen.Count > 0)
        {
            chosen.RemoveAt(chosen.Count - 1);
            user = User(chosen, question);
            tokens = Count(tokenizer, generator, user);
        }

        var chat = new Chat { Messages = { Message(ChatRole.System, options.SystemPrompt), Message(ChatRole.User, user) } };
        return new AnswerPrompt(chat, chosen, tokens);
    }

    private const string Separator = "\n\n";

    private static string User(IReadOnlyList<RetrievedPassage> passages, string question)
    {
        var user = new StringBuilder("Passages:").Append(Separator);
        for (var i = 0; i < passages.Count; i++)
        {
            user.Append(Block(i + 1, passages[i])).Append(Separator);
        }

        return user.Append(question).ToString();
    }

    /// <summary>The prompt's tokens as the generator encodes them: its chat template with the open assistant turn.</summary>
    private int Count(ITokenizer tokenizer, ModelInfo generator, string user)
    {
        try
        {
            return tokenizer.Encode(ChatTemplates.Render(generator.Architecture,
                [TemplateMessage.System(options.SystemPrompt), TemplateMessage.User(user)])).Length;
        }
        catch (NotSupportedException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The generator's model cannot take a chat: {ex.Message} Ask with answer: extractive."));
        }
    }

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
