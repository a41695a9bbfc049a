using RagPlatform.Client;
using RagPlatform.Gateway.Errors;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.Apis;

/// <summary>
/// POST /v1/collections/{collection}/search: the passages an answer would be given, without the answer (the
/// orchestrator's Search runs the answer pipeline's retrieval and reranking). Same keys, collection access and limits
/// as every route.
/// </summary>
public static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/collections/{collection}/search", SearchAsync).WithTags("Answers")
            .WithSummary("Finds the passages that best match a query, best first (retrieval, then the reranker), without an answer.")
            .Produces<SearchResult>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(503);
        return app;
    }

    private static async Task<SearchResult> SearchAsync(string collection, HttpContext context, Rpc.Answers.AnswersClient answers)
    {
        var body = await JsonBody.ReadAsync<SearchRequest>(context);
        CollectionsApi.Authorize(context, collection);
        var found = await answers.SearchAsync(ToRequest(collection, body), CallDeadline.For(context));
        return found.ToResource();
    }

    private static Rpc.SearchPassagesRequest ToRequest(string collection, SearchRequest body)
    {
        if (string.IsNullOrWhiteSpace(body.Query))
        {
            throw GatewayProblem.BadRequest("query is required.");
        }

        if (body.K is <= 0)
        {
            throw GatewayProblem.BadRequest($"k must be positive when given (was {body.K}).");
        }

        var request = new Rpc.SearchPassagesRequest
        {
            Collection = collection,
            Query = body.Query,
            K = body.K ?? 0,
            Mode = AskApi.Mode(body.Mode),
            SkipRerank = body.Rerank == false,
        };
        request.DocumentIds.AddRange(body.DocumentIds?.Select(id => id ?? throw GatewayProblem.BadRequest("documentIds holds a null.")) ?? []);
        return request;
    }
}
