using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagPlatform.Gateway.Apis;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Extensions;
using RagPlatform.ServiceDefaults;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// The OpenAI-compatible API under /openai/v1 (an OpenAI client's base address is http://host:port/openai/v1): models,
/// embeddings, chat completions (<see cref="ChatCompletions"/>) and rerank in the shape Cohere and Jina clients use. Same
/// API keys (Authorization: Bearer), per-collection access and rate limits as the rest of the gateway; every refusal is
/// OpenAI's error object (<see cref="OpenAiErrors"/>). Models and the forged flag: see docs in README ("OpenAI-compatible").
/// </summary>
public static class OpenAiApi
{
    /// <summary>OpenAI's <c>owned_by</c> for every model here.</summary>
    internal const string Owner = "ragplatform";

    /// <summary>The chat model that answers over a collection: rag:&lt;collection&gt;.</summary>
    internal const string RagPrefix = "rag:";

    public static IServiceCollection AddOpenAiApi(this IServiceCollection services)
    {
        services.AddValidatedOptions<OpenAiOptions>(OpenAiOptions.SectionName, o => o.Validate());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ModelCatalog>();
        return services;
    }

    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/openai/v1").WithTags("OpenAI-compatible").ExcludeFromDescription();
        group.MapGet("/models", ModelsAsync);
        group.MapPost("/embeddings", EmbeddingsAsync);
        group.MapPost("/chat/completions", ChatCompletions.CompleteAsync).RequireRateLimiting(GatewayExtensions.AskPolicy);
        group.MapPost("/rerank", RerankAsync);
        // Unknown routes and methods under /openai get OpenAI's error object too, not the gateway's problem+json.
        app.MapFallback("/openai/{**path}", (HttpContext context) => throw new OpenAiException(StatusCodes.Status404NotFound,
            $"Unknown route: {context.Request.Method} {context.Request.Path}. Routes: GET /openai/v1/models, POST /openai/v1/embeddings, " +
            "POST /openai/v1/chat/completions, POST /openai/v1/rerank.", null, "unknown_url"));
        return app;
    }

    /// <summary>The embedder, the reranker and the generator, then rag:&lt;collection&gt; for each collection the key may read.</summary>
    private static async Task ModelsAsync(HttpContext context, Rpc.Answers.AnswersClient answers, Rpc.Collections.CollectionsClient collections, ModelCatalog catalog)
    {
        var key = ApiKeyAuthentication.RequireKey(context);
        var described = catalog.DescribeAsync(answers, CallDeadline.For(context), fresh: true);
        var all = await collections.ListCollectionsAsync(new Rpc.ListCollectionsRequest(), CallDeadline.For(context));
        var models = (await described).Services.Where(s => s.Reachable)
            .Select(s => new ModelEntry(s.Model.ModelId, 0, Owner, s.Model.Forged, s.Role))
            .Concat(all.Collections.Where(c => key.CanUse(c.Name)).Select(c => new ModelEntry(RagPrefix + c.Name, 0, Owner, null, "rag")));
        await context.Response.WriteAsJsonAsync(new ModelList([.. models]), OpenAiJsonContext.Default.ModelList, contentType: null, context.RequestAborted);
    }

    private static async Task EmbeddingsAsync(HttpContext context, Rpc.Answers.AnswersClient answers, Rpc.Models.ModelsClient models, ModelCatalog catalog,
        IOptions<OpenAiOptions> options)
    {
        var body = await OpenAiBody.ReadAsync(context, OpenAiJsonContext.Strict.EmbeddingsRequest);
        var limits = options.Value;
        if (body.Input is not { Count: > 0 } input)
        {
            throw OpenAiException.Invalid("input is required: a string or an array of 1 or more strings.", "input");
        }

        if (input.Count > limits.MaxEmbeddingInputs)
        {
            throw OpenAiException.Invalid($"input holds {input.Count} texts; at most {limits.MaxEmbeddingInputs} are accepted per call (OpenAi:MaxEmbeddingInputs).", "input");
        }

        CheckTexts(input, "input", limits);
        var base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw OpenAiException.Invalid($"encoding_format must be 'float' or 'base64' (was '{body.EncodingFormat}').", "encoding_format"),
        };
        var role = body.InputType switch
        {
            null or "passage" or "document" => Rpc.EmbedRole.Passage,
            "query" => Rpc.EmbedRole.Query,
            _ => throw OpenAiException.Invalid($"input_type must be 'query' or 'passage' (was '{body.InputType}').", "input_type"),
        };

        var call = CallDeadline.For(context);
        var model = await catalog.ResolveAsync(answers, call, ModelCatalog.Embedder, body.Model);
        if (body.Dimensions is { } dimensions && dimensions != model.Dimensions)
        {
            throw OpenAiException.Invalid($"dimensions must be {model.Dimensions}, the only size '{model.ModelId}' makes (was {dimensions}).", "dimensions");
        }

        var request = new Rpc.EmbedRequest { Role = role };
        request.Texts.AddRange(input);
        var embedded = await models.EmbedAsync(request, call);
        var data = new EmbeddingItem[embedded.Response.Embeddings.Count];
        var tokens = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var embedding = embedded.Response.Embeddings[i];
            tokens += embedding.TokenCount;
            var values = embedding.Values.ToArray();
            // OpenAI's base64 is the float32 array's bytes, little-endian: what .NET's memory holds on x64 and arm64.
            data[i] = new EmbeddingItem(i, base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan())) : values);
        }

        var list = new EmbeddingList(data, embedded.Model.ModelId, new EmbeddingUsage(tokens, tokens), embedded.Model.Forged);
        await context.Response.WriteAsJsonAsync(list, OpenAiJsonContext.Default.EmbeddingList, contentType: null, context.RequestAborted);
    }

    private static async Task RerankAsync(HttpContext context, Rpc.Answers.AnswersClient answers, Rpc.Models.ModelsClient models, ModelCatalog catalog,
        IOptions<OpenAiOptions> options)
    {
        var body = await OpenAiBody.ReadAsync(context, OpenAiJsonContext.Strict.RerankRequest);
        var limits = options.Value;
        if (string.IsNullOrWhiteSpace(body.Query))
        {
            throw OpenAiException.Invalid("query is required.", "query");
        }

        CheckTexts([body.Query], "query", limits);
        if (body.Documents is not { } documents)
        {
            throw OpenAiException.Invalid("documents is required: an array of strings or of {\"text\": ...} objects.", "documents");
        }

        if (documents.Count > limits.MaxRerankDocuments)
        {
            throw OpenAiException.Invalid($"documents holds {documents.Count} documents; at most {limits.MaxRerankDocuments} are accepted (OpenAi:MaxRerankDocuments).", "documents");
        }

        CheckTexts(documents, "documents", limits);
        if (body.TopN is <= 0)
        {
            throw OpenAiException.Invalid($"top_n must be positive when given (was {body.TopN}).", "top_n");
        }

        var call = CallDeadline.For(context);
        await catalog.ResolveAsync(answers, call, ModelCatalog.Reranker, body.Model, optional: true);
        // Scores through a sigmoid, in (0, 1), as Cohere's and Jina's relevance_score are.
        var request = new Rpc.RerankRequest { Query = body.Query, TopN = Math.Min(body.TopN ?? 0, documents.Count), Normalize = true };
        request.Passages.AddRange(documents);
        var scored = await models.RerankAsync(request, call);
        var results = scored.Response.Results.Select(r => new RerankResult(r.Index, r.Score, body.ReturnDocuments == true ? new RerankDocument(documents[r.Index]) : null));
        var response = new RerankResponse($"rerank-{Guid.NewGuid():N}", scored.Model.ModelId, [.. results], scored.Model.Forged);
        await context.Response.WriteAsJsonAsync(response, OpenAiJsonContext.Default.RerankResponse, contentType: null, context.RequestAborted);
    }

    /// <summary>Every text non-empty and within OpenAi:MaxInputCharacters; a refusal names the field and the index.</summary>
    internal static void CheckTexts(IReadOnlyList<string> texts, string field, OpenAiOptions limits)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            var name = texts.Count == 1 && field != "documents" ? field : $"{field}[{i}]";
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw OpenAiException.Invalid($"{name} is empty.", name);
            }

            if (texts[i].Length > limits.MaxInputCharacters)
            {
                throw OpenAiException.Invalid($"{name} has {texts[i].Length} characters; at most {limits.MaxInputCharacters} are accepted (OpenAi:MaxInputCharacters).", name);
            }
        }
    }
}
