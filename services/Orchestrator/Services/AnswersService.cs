using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Answering;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Services;

/// <summary>
/// rag.v1.Answers: validates the question, then streams the pipeline's events within the call's deadline; a search runs
/// the pipeline's retrieval and reranking alone.
/// </summary>
internal sealed class AnswersService(AnswerPipeline pipeline, PassageSearch search, ModelServices services, IOptions<AnsweringOptions> options)
    : Answers.AnswersBase
{
    public override Task Ask(AskRequest request, IServerStreamWriter<AskEvent> stream, ServerCallContext context)
    {
        var plan = AskPlan.From(request, options.Value, context.Deadline);
        return pipeline.AnswerAsync(plan, e => stream.WriteAsync(e, context.CancellationToken), context.CancellationToken);
    }

    public override Task<SearchPassagesResponse> Search(SearchPassagesRequest request, ServerCallContext context) =>
        search.SearchAsync(AskPlan.From(request, options.Value, context.Deadline), context.CancellationToken);

    public override async Task<ModelsDescription> DescribeModels(DescribeModelsRequest request, ServerCallContext context)
    {
        var deadline = context.Deadline < DateTime.UtcNow.AddSeconds(5) ? context.Deadline : DateTime.UtcNow.AddSeconds(5);
        var described = await Task.WhenAll(
            DescribeAsync("embedder", services.FetchAsync(services.Embedder, deadline, context.CancellationToken)),
            DescribeAsync("reranker", services.FetchAsync(services.Reranker, deadline, context.CancellationToken)),
            DescribeAsync("generator", services.FetchAsync(services.Generator, deadline, context.CancellationToken)));
        return new ModelsDescription { Services = { described } };
    }

    private static async Task<ModelService> DescribeAsync(string role, Task<ModelInfo> info)
    {
        try
        {
            return new ModelService { Role = role, Reachable = true, Model = await info };
        }
        catch (RpcException ex)
        {
            return new ModelService { Role = role, Reachable = false, Error = ex.Status.Detail };
        }
    }
}
