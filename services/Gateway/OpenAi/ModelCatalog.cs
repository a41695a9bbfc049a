using Grpc.Core;
using Microsoft.Extensions.Options;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>
/// What the model services serve, for resolving a request's <c>model</c>: the orchestrator's DescribeModels, trusted for
/// OpenAi:ModelCatalogLifetime so an embeddings call does not cost three Info calls. A model id not in the catalog is
/// asked for once more before it is refused (a model service may have just restarted with other weights).
/// </summary>
internal sealed class ModelCatalog(IOptions<OpenAiOptions> options, TimeProvider time)
{
    public const string Embedder = "embedder";
    public const string Reranker = "reranker";
    public const string Generator = "generator";

    private readonly Lock _gate = new();
    private (Rpc.ModelsDescription Models, DateTimeOffset Fetched)? _known;

    /// <summary>The services as last described, asked again when older than the lifetime or when <paramref name="fresh"/>.</summary>
    public async Task<Rpc.ModelsDescription> DescribeAsync(Rpc.Answers.AnswersClient answers, CallOptions call, bool fresh = false)
    {
        lock (_gate)
        {
            if (!fresh && _known is { } known && time.GetUtcNow() - known.Fetched < options.Value.ModelCatalogLifetime)
            {
                return known.Models;
            }
        }

        var described = await answers.DescribeModelsAsync(new Rpc.DescribeModelsRequest(), call);
        lock (_gate)
        {
            _known = (described, time.GetUtcNow());
        }

        return described;
    }

    /// <summary>
    /// The model of the service in <paramref name="role"/> when <paramref name="model"/> names it (null or empty accepted
    /// only where OpenAI's shape lets the model be left out); 404 model_not_found when it names another; 503 when the
    /// service does not answer.
    /// </summary>
    public async Task<Rpc.ModelInfo> ResolveAsync(Rpc.Answers.AnswersClient answers, CallOptions call, string role, string? model, bool optional = false)
    {
        if (string.IsNullOrEmpty(model) && !optional)
        {
            throw OpenAiException.Invalid("model is required.", "model");
        }

        for (var fresh = false; ; fresh = true)
        {
            var service = (await DescribeAsync(answers, call, fresh)).Services.FirstOrDefault(s => s.Role == role);
            if (service is { Reachable: true } && (string.IsNullOrEmpty(model) || model == service.Model.ModelId))
            {
                return service.Model;
            }

            if (fresh)
            {
                throw service is { Reachable: false }
                    ? new OpenAiException(StatusCodes.Status503ServiceUnavailable, $"The {role} is unreachable: {service.Error}", null, "service_unavailable")
                    : OpenAiException.ModelNotFound(model!);
            }
        }
    }
}
