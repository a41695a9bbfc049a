using System.ComponentModel;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using RagPlatform.Client;
using RagPlatform.Gateway.Apis;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Errors;
using RagPlatform.Gateway.Limits;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.Mcp;

/// <summary>
/// The MCP tools: the platform's collections, search and cited answers, under the caller's API key. A refusal (no
/// access to the collection, bad arguments, an unknown collection, a dependency down) is a tool error whose message
/// says why, so the agent can correct itself; it never ends the MCP session.
/// </summary>
[McpServerToolType]
public sealed class PlatformTools(
    IHttpContextAccessor http, Rpc.Collections.CollectionsClient collections, Rpc.Answers.AnswersClient answers,
    IKeyLimiter limiter, IOptions<McpOptions> mcpOptions, IOptions<GatewayOptions> gatewayOptions)
{
    private McpOptions Limits => mcpOptions.Value;

    private HttpContext Context => http.HttpContext ?? throw new InvalidOperationException("An MCP tool ran outside an HTTP request.");

    [McpServerTool(Name = "list_collections", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Lists the document collections this API key may search and ask about, with their document and chunk counts.")]
    public Task<CollectionList> ListCollectionsAsync() => GuardAsync(async () =>
    {
        var key = ApiKeyAuthentication.RequireKey(Context);
        var all = await collections.ListCollectionsAsync(new Rpc.ListCollectionsRequest(), CallDeadline.For(Context));
        return new CollectionList([.. all.Collections.Where(c => key.CanUse(c.Name)).Select(ResourceMapping.ToResource)]);
    });

    [McpServerTool(Name = "search", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Finds the passages of one collection that best match a query, best first: each with its document id, "
        + "section path, character offsets, text and score (the reranker's when reranked, else retrieval's).")]
    public Task<SearchResult> SearchAsync(
        [Description("The collection to search (see list_collections).")] string collection,
        [Description("What to look for, in natural language.")] string query,
        [Description("How many passages to return, 1 to 50 unless the server says otherwise; default 5.")] int? k = null,
        [Description("hybrid (default: dense and lexical fused), dense or lexical.")] string? mode = null) => GuardAsync(async () =>
    {
        Authorize(collection);
        RequireText(query, "query");
        if (k is { } wanted && (wanted < 1 || wanted > Limits.MaxK))
        {
            throw new McpException($"k must be between 1 and {Limits.MaxK} (was {wanted}).");
        }

        var found = await answers.SearchAsync(new Rpc.SearchPassagesRequest
        {
            Collection = collection,
            Query = query,
            K = k ?? Limits.DefaultK,
            Mode = AskApi.Mode(mode),
        }, CallDeadline.For(Context));
        return found.ToResource();
    });

    [McpServerTool(Name = "ask", ReadOnly = true, OpenWorld = false)]
    [Description("Answers a question from the documents of one collection. Returns the answer text, how it was made "
        + "(generative or extractive) and the passages it cites as [n], each with its document id and section.")]
    public Task<AnswerResource> AskAsync(
        [Description("The collection to answer from (see list_collections).")] string collection,
        [Description("The question, in natural language.")] string question,
        CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        Authorize(collection);
        RequireText(question, "question");
        var context = Context;
        // One of the key's answer slots, as POST /v1/ask takes: an agent cannot run more answers at once than the key may.
        await using var slot = await limiter.TryStartAskAsync(ApiKeyAuthentication.RequireKey(context).Id, cancellationToken)
            ?? throw new McpException("This API key has its most answers in flight; retry when one has finished.");
        using var call = answers.Ask(new Rpc.AskRequest { Collection = collection, Question = question },
            CallDeadline.For(context, gatewayOptions.Value.AskTimeout));
        return await CollectAsync(call, context.TraceIdentifier, cancellationToken);
    });

    /// <summary>The orchestrator's answer events gathered into the HTTP API's answer record.</summary>
    private static async Task<AnswerResource> CollectAsync(AsyncServerStreamingCall<Rpc.AskEvent> call, string requestId, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        IReadOnlyList<CitationResource> citations = [];
        await foreach (var next in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (next.EventCase)
            {
                case Rpc.AskEvent.EventOneofCase.Delta:
                    text.Append(next.Delta.Text);
                    break;
                case Rpc.AskEvent.EventOneofCase.Citations:
                    citations = [.. next.Citations.Citations.Select(ResourceMapping.ToResource)];
                    break;
                case Rpc.AskEvent.EventOneofCase.Done:
                    return new AnswerResource(next.Done.ToResource(requestId)) { Answer = text.ToString(), Citations = citations };
            }
        }

        throw new McpException("The answer ended before it was complete; ask again.");
    }

    private void Authorize(string collection)
    {
        if (string.IsNullOrEmpty(collection))
        {
            throw new McpException("collection is required (see list_collections).");
        }

        if (!ApiKeyAuthentication.RequireKey(Context).CanUse(collection))
        {
            throw new McpException($"This API key may not use the collection '{collection}'.");
        }
    }

    private void RequireText(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new McpException($"{name} is required.");
        }

        if (value.Length > Limits.MaxQueryCharacters)
        {
            throw new McpException($"{name} is {value.Length} characters; the most is {Limits.MaxQueryCharacters}.");
        }
    }

    /// <summary>The orchestrator's refusals and failures as tool errors, worded as the HTTP API's problem details are.</summary>
    private async Task<T> GuardAsync<T>(Func<Task<T>> tool)
    {
        try
        {
            return await tool();
        }
        catch (RpcException ex)
        {
            var problem = Problems.FromRpc(ex, Context);
            throw new McpException($"{problem.Title} ({problem.Status}): {problem.Detail}", ex);
        }
        catch (GatewayProblem ex)
        {
            throw new McpException($"{ex.Title} ({ex.Status}): {ex.Message}", ex);
        }
        catch (RagPlatform.Storage.StoreUnavailableException ex)
        {
            throw new McpException($"Service unavailable (503): {ex.Message}", ex);
        }
    }
}
