using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Generation;
using RagPlatform.Tokenizers.Chat;
using WireChatRole = RagPlatform.Contracts.V1.ChatRole;
using TemplateMessage = RagPlatform.Tokenizers.Chat.ChatMessage;

namespace RagPlatform.Generator.Generation;

/// <summary>A request that passed every check: the prompt as token ids and how to continue it.</summary>
internal sealed record GenerationPlan(IReadOnlyList<int> PromptTokens, GenerationOptions Options);

/// <summary>
/// Turns a GenerateRequest into a <see cref="GenerationPlan"/>, enforcing generator.proto's limits. Every refusal is
/// INVALID_ARGUMENT with a message that starts with the offending field's wire name, so callers can fix the request.
/// </summary>
internal sealed class GenerateRequestReader(GeneratorOptions limits)
{
    private const int MaxStopStringLength = 256;

    public GenerationPlan Read(GenerateRequest request, TextGenerator generator)
    {
        var options = ReadOptions(request);
        var prompt = ReadPrompt(request);
        IReadOnlyList<int> tokens;
        try
        {
            tokens = generator.EncodePrompt(prompt);
        }
        catch (NotSupportedException ex)
        {
            throw Invalid($"chat: {ex.Message}");
        }

        if (tokens.Count == 0)
        {
            throw Invalid("prompt: the input encodes to no tokens.");
        }

        if (tokens.Count + options.MaxNewTokens > generator.ContextWindow)
        {
            throw Invalid($"max_new_tokens: the prompt is {tokens.Count} tokens and max_new_tokens is {options.MaxNewTokens}; " +
                $"together they exceed the context window of {generator.ContextWindow} tokens. Shorten the prompt or lower max_new_tokens.");
        }

        return new GenerationPlan(tokens, options);
    }

    private GenerationOptions ReadOptions(GenerateRequest request)
    {
        if (request.MaxNewTokens < 0 || request.MaxNewTokens > limits.MaxNewTokensLimit)
        {
            throw Invalid($"max_new_tokens must be between 1 and {limits.MaxNewTokensLimit}, or 0 for the default of {limits.DefaultMaxNewTokens} (was {request.MaxNewTokens}).");
        }

        var sampling = request.Sampling ?? new SamplingParameters();
        if (float.IsNaN(sampling.Temperature) || sampling.Temperature < 0 || sampling.Temperature > 2)
        {
            throw Invalid($"sampling.temperature must be between 0 (greedy) and 2 (was {sampling.Temperature}).");
        }

        if (sampling.TopK < 0)
        {
            throw Invalid($"sampling.top_k must be 0 (disabled) or positive (was {sampling.TopK}).");
        }

        var topP = sampling.HasTopP ? sampling.TopP : 1f;
        if (float.IsNaN(topP) || topP <= 0 || topP > 1)
        {
            throw Invalid($"sampling.top_p must be in (0, 1] (was {topP}).");
        }

        var repetitionPenalty = sampling.HasRepetitionPenalty ? sampling.RepetitionPenalty : 1f;
        if (float.IsNaN(repetitionPenalty) || repetitionPenalty <= 0 || repetitionPenalty > 2)
        {
            throw Invalid($"sampling.repetition_penalty must be in (0, 2] (was {repetitionPenalty}).");
        }

        if (request.Stop.Count > GenerationOptions.MaxStopStrings)
        {
            throw Invalid($"stop holds at most {GenerationOptions.MaxStopStrings} strings (was {request.Stop.Count}).");
        }

        for (var i = 0; i < request.Stop.Count; i++)
        {
            if (request.Stop[i].Length is 0 or > MaxStopStringLength)
            {
                throw Invalid($"stop[{i}] must be 1 to {MaxStopStringLength} characters (was {request.Stop[i].Length}).");
            }
        }

        return new GenerationOptions
        {
            MaxNewTokens = request.MaxNewTokens == 0 ? limits.DefaultMaxNewTokens : request.MaxNewTokens,
            Temperature = sampling.Temperature,
            TopK = sampling.TopK,
            TopP = topP,
            RepetitionPenalty = repetitionPenalty,
            Seed = sampling.HasSeed ? sampling.Seed : null,
            StopStrings = [.. request.Stop],
        };
    }

    private GenerationPrompt ReadPrompt(GenerateRequest request)
    {
        switch (request.InputCase)
        {
            case GenerateRequest.InputOneofCase.Prompt:
                if (request.Prompt.Length == 0)
                {
                    throw Invalid("prompt must not be empty.");
                }

                CheckLength("prompt", request.Prompt.Length);
                return GenerationPrompt.FromText(request.Prompt);

            case GenerateRequest.InputOneofCase.Chat:
                return ReadChat(request.Chat);

            default:
                throw Invalid("input: send either prompt or chat; the request has neither.");
        }
    }

    /// <summary>A chat as the model's template will see it; refuses an empty chat, an unknown role or too much text.</summary>
    private GenerationPrompt ReadChat(Chat chat)
    {
        var messages = chat.Messages;
        if (messages.Count == 0)
        {
            throw Invalid("chat.messages must hold at least one message.");
        }

        var turns = new TemplateMessage[messages.Count];
        var characters = 0L;
        for (var i = 0; i < messages.Count; i++)
        {
            turns[i] = new TemplateMessage(RoleName(messages[i].Role, i), messages[i].Content);
            characters += messages[i].Content.Length;
        }

        CheckLength("chat.messages", characters);
        return GenerationPrompt.FromChat(turns);
    }

    private void CheckLength(string field, long characters)
    {
        if (characters > limits.MaxPromptCharacters)
        {
            throw Invalid($"{field} holds {characters} characters; the server accepts at most {limits.MaxPromptCharacters}.");
        }
    }

    private static string RoleName(WireChatRole role, int index) => role switch
    {
        WireChatRole.System => ChatRoles.System,
        WireChatRole.User => ChatRoles.User,
        WireChatRole.Assistant => ChatRoles.Assistant,
        _ => throw Invalid($"chat.messages[{index}].role must be SYSTEM, USER or ASSISTANT (was {(int)role})."),
    };

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
