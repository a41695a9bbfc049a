using System.ComponentModel;
using Microsoft.SemanticKernel;
using RagPlatform.Client;

namespace RagPlatform.SemanticKernel;

/// <summary>
/// The platform as Semantic Kernel functions: <c>search</c> returns the passages that best match a query, <c>ask</c> a
/// cited answer. Both go through the gateway's HTTP API with the configured key, so a collection the key may not read
/// fails the call with the gateway's 403.
/// </summary>
public sealed class RagPlatformPlugin(RagPlatformClient client)
{
    [KernelFunction("search")]
    [Description("Finds the passages of a document collection that best match a query, best first, each with its document id, section and score.")]
    public Task<SearchResult> SearchAsync(
        [Description("The collection to search.")] string collection,
        [Description("What to look for, in natural language.")] string query,
        [Description("How many passages to return.")] int k = 5,
        [Description("hybrid (default), dense or lexical.")] string mode = RetrievalModes.Hybrid,
        CancellationToken cancellationToken = default) =>
        // The whole result, not only the passages: whether a stage was degraded or a forged model shaped the order travels with them.
        client.SearchAsync(collection, new SearchRequest(query) { K = k, Mode = mode }, cancellationToken);

    [KernelFunction("ask")]
    [Description("Answers a question from the documents of a collection. The answer cites passages as [n]; each citation gives the document id, section and text.")]
    public Task<AnswerResource> AskAsync(
        [Description("The collection to answer from.")] string collection,
        [Description("The question.")] string question,
        CancellationToken cancellationToken = default) =>
        client.AskAsync(new AskRequest(collection, question), cancellationToken);
}
