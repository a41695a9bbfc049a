using System.Text.Json;
using Microsoft.Extensions.Options;
using RagPlatform.Gateway.Apis;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// POST /openai/v1/chat/completions. With the generator's model id: plain chat, the conversation passed to the generator
/// through the orchestrator (rag.v1.Models). With rag:&lt;collection&gt;: the platform's answer over that collection
/// (rag.v1.Answers.Ask) to the LAST user message; earlier turns are checked but not sent, because an ask takes one
/// question. The answer's passages are the message's <c>citations</c> extension, how it was made is the <c>rag</c>
/// extension. Both stream as OpenAI streams (<see cref="ChatWriter"/>).
/// </summary>
internal static class ChatCompletions
{
    private static readonly string[] Roles = ["system", "developer", "user", "assistant"];

    public static async Task CompleteAsync(HttpContext context, Rpc.Answers.AnswersClient answers, Rpc.Models.ModelsClient models, ModelCatalog catalog,
        IOptions<OpenAiOptions> options, IOptions<GatewayOptions> gateway)
    {
        var body = await OpenAiBody.ReadAsync(context, OpenAiJsonContext.Strict.ChatCompletionRequest);
        var messages = Validate(body, options.Value);
        var call = CallDeadline.For(context, gateway.Value.AskTimeout);
        var maxTokens = body.MaxCompletionTokens ?? body.MaxTokens ?? 0;
        var sampling = Sampling(body);
        IAsyncEnumerable<ChatPiece> pieces;
        if (body.Model!.StartsWith(OpenAiApi.RagPrefix, StringComparison.Ordinal))
        {
            var collection = body.Model[OpenAiApi.RagPrefix.Length..];
            CollectionsApi.Authorize(context, collection);
            if (body.Stop is { Count: > 0 })
            {
                throw OpenAiException.Invalid("stop is not supported by rag: models (an answer stops at its end or at max_tokens).", "stop");
            }

            var question = messages.LastOrDefault(m => m.Role == "user")?.Content
                ?? throw OpenAiException.Invalid("A rag: model answers the last user message; the messages hold none.", "messages");
            var request = new Rpc.AskRequest { Collection = collection, Question = question, MaxNewTokens = maxTokens, Sampling = sampling };
            // Until the answer's end says exactly, a stream is marked forged when any model service is.
            var anyForged = (await catalog.DescribeAsync(answers, call)).Services.Any(s => s.Reachable && s.Model.Forged);
            pieces = RagPieces.ReadAsync(answers.Ask(request, call), body.Model, anyForged, context.TraceIdentifier, context.RequestAborted);
        }
        else
        {
            await catalog.ResolveAsync(answers, call, ModelCatalog.Generator, body.Model);
            var request = new Rpc.GenerateRequest { Chat = new Rpc.Chat(), MaxNewTokens = maxTokens, Sampling = sampling };
            request.Chat.Messages.AddRange(messages.Select(m => new Rpc.ChatMessage { Role = Role(m.Role!), Content = m.Content ?? "" }));
            request.Stop.AddRange(body.Stop ?? []);
            pieces = GeneratedPieces.ReadAsync(models.Generate(request, call), context.RequestAborted);
        }

        await ChatWriter.WriteAsync(context, body.Model, body.Stream == true, body.StreamOptions?.IncludeUsage == true, pieces);
    }

    private static IReadOnlyList<ChatMessageRequest> Validate(ChatCompletionRequest body, OpenAiOptions limits)
    {
        if (string.IsNullOrEmpty(body.Model))
        {
            throw OpenAiException.Invalid("model is required.", "model");
        }

        if (body.Messages is not { Count: > 0 } messages)
        {
            throw OpenAiException.Invalid("messages is required: an array of 1 or more messages.", "messages");
        }

        if (messages.Count > limits.MaxMessages)
        {
            throw OpenAiException.Invalid($"messages holds {messages.Count} messages; at most {limits.MaxMessages} are accepted (OpenAi:MaxMessages).", "messages");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw OpenAiException.Invalid($"messages[{i}] is null.", $"messages[{i}]");
            if (message.Role is not { } role || !Roles.Contains(role))
            {
                throw OpenAiException.Invalid($"messages[{i}].role must be system, developer, user or assistant (was '{message.Role}'); tools are not supported.", $"messages[{i}].role");
            }

            if (message.ToolCalls is { ValueKind: not JsonValueKind.Null } || message.ToolCallId is not null)
            {
                throw OpenAiException.Invalid("Tool calls are not supported.", $"messages[{i}].tool_calls");
            }

            if (message.Content is null && role != "assistant")
            {
                throw OpenAiException.Invalid($"messages[{i}].content is required.", $"messages[{i}].content");
            }

            if (message.Content?.Length > limits.MaxInputCharacters)
            {
                throw OpenAiException.Invalid($"messages[{i}].content has {message.Content.Length} characters; at most {limits.MaxInputCharacters} are accepted (OpenAi:MaxInputCharacters).", $"messages[{i}].content");
            }
        }

        Refuse(body.N is not (null or 1), "n", "Only one choice (n = 1) is generated.");
        Refuse(body.Tools is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0, "tools", "Tools are not supported.");
        Refuse(body.ToolChoice is { ValueKind: not JsonValueKind.Null } choice && !(choice.ValueKind == JsonValueKind.String && choice.GetRawText() is "\"none\"" or "\"auto\""),
            "tool_choice", "Tools are not supported.");
        Refuse(body.ResponseFormat is { ValueKind: not JsonValueKind.Null } format
            && !(format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.GetRawText() == "\"text\""),
            "response_format", "Only the text response format is supported.");
        Refuse(body.FrequencyPenalty is not (null or 0) || body.PresencePenalty is not (null or 0), body.FrequencyPenalty is not (null or 0) ? "frequency_penalty" : "presence_penalty",
            "Frequency and presence penalties are not supported.");
        Refuse(body.Logprobs == true || body.TopLogprobs is not null, "logprobs", "Log probabilities are not returned.");
        Refuse(body.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any(), "logit_bias", "logit_bias is not supported.");
        Refuse(body.StreamOptions is not null && body.Stream != true, "stream_options", "stream_options is only allowed when stream is true.");
        var maxTokens = body.MaxCompletionTokens is not null ? ("max_completion_tokens", body.MaxCompletionTokens) : ("max_tokens", body.MaxTokens);
        Refuse(maxTokens.Item2 is <= 0, maxTokens.Item1, $"{maxTokens.Item1} must be positive (was {maxTokens.Item2}).");
        Refuse(body.Temperature is { } t && (!float.IsFinite(t) || t is < 0 or > 2), "temperature", $"temperature must be 0 to 2 (was {body.Temperature}).");
        Refuse(body.TopP is { } p && (!float.IsFinite(p) || p is <= 0 or > 1), "top_p", $"top_p must be in (0, 1] (was {body.TopP}).");
        Refuse(body.Seed is < 0, "seed", $"seed must not be negative (was {body.Seed}).");
        Refuse(body.Stop is { Count: > 4 } || body.Stop?.Any(string.IsNullOrEmpty) == true, "stop", "stop holds 1 to 4 non-empty strings.");
        return messages;
    }

    private static void Refuse(bool refused, string param, string message)
    {
        if (refused)
        {
            throw OpenAiException.Invalid(message, param);
        }
    }

    /// <summary>Unset sampling is greedy (the platform's default, unlike OpenAI's temperature 1).</summary>
    private static Rpc.SamplingParameters? Sampling(ChatCompletionRequest body)
    {
        if (body.Temperature is null && body.TopP is null && body.Seed is null)
        {
            return null;
        }

        var sampling = new Rpc.SamplingParameters { Temperature = body.Temperature ?? 0 };
        if (body.TopP is { } topP)
        {
            sampling.TopP = topP;
        }

        if (body.Seed is { } seed)
        {
            sampling.Seed = (ulong)seed;
        }

        return sampling;
    }

    private static Rpc.ChatRole Role(string role) => role switch
    {
        "system" or "developer" => Rpc.ChatRole.System,
        "user" => Rpc.ChatRole.User,
        _ => Rpc.ChatRole.Assistant,
    };
}
