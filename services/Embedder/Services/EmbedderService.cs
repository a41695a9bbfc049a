using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;
using RagPlatform.Embedder.Batching;
using RagPlatform.Inference.Embeddings;
using RagPlatform.ModelHosting;

namespace RagPlatform.Embedder.Services;

/// <summary>rag.v1.Embedder: validates each call as embedder.proto promises, then hands its texts to the batcher.</summary>
internal sealed class EmbedderService : Contracts.V1.Embedder.EmbedderBase
{
    private readonly ModelHost<TextEmbedder> _model;
    private readonly EmbeddingBatcher _batcher;
    private readonly EmbedderOptions _options;

    public EmbedderService(ModelHost<TextEmbedder> model, EmbeddingBatcher batcher, IOptions<EmbedderOptions> options)
    {
        _model = model;
        _batcher = batcher;
        _options = options.Value;
    }

    public override async Task<EmbedResponse> Embed(EmbedRequest request, ServerCallContext context)
    {
        var embedder = _model.Model;
        var role = Validate(request);
        var embeddings = await _batcher.EmbedAsync(request.Texts, role, context.CancellationToken);
        var response = new EmbedResponse { Dimensions = embedder.Dimensions, ModelId = embedder.Model.ModelId };
        for (var i = 0; i < embeddings.Length; i++)
        {
            if (request.RejectTruncation && embeddings[i].Truncated)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"texts[{i}] is longer than the model's {embedder.MaxTokens} tokens and reject_truncation is set."));
            }

            var embedding = new Contracts.V1.Embedding { TokenCount = embeddings[i].TokenCount, Truncated = embeddings[i].Truncated };
            embedding.Values.AddRange(embeddings[i].Vector);
            response.Embeddings.Add(embedding);
        }

        return response;
    }

    public override Task<ModelInfo> Info(InfoRequest request, ServerCallContext context) => Task.FromResult(_model.Info);

    public override Task GetTokenizer(InfoRequest request, IServerStreamWriter<TokenizerFile> stream, ServerCallContext context) =>
        _model.WriteTokenizerAsync(stream, context.CancellationToken);

    private EmbeddingRole Validate(EmbedRequest request)
    {
        if (request.Texts.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"texts is empty: send 1 to {_options.MaxTextsPerRequest} texts."));
        }

        if (request.Texts.Count > _options.MaxTextsPerRequest)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"texts has {request.Texts.Count} entries; this server accepts at most {_options.MaxTextsPerRequest} per call. Split the call."));
        }

        var role = request.Role switch
        {
            EmbedRole.Query => EmbeddingRole.Query,
            EmbedRole.Passage or EmbedRole.Unspecified => EmbeddingRole.Passage,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"role {(int)request.Role} is not an EmbedRole (use EMBED_ROLE_QUERY or EMBED_ROLE_PASSAGE).")),
        };
        for (var i = 0; i < request.Texts.Count; i++)
        {
            var length = request.Texts[i].Length;
            if (length == 0)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"texts[{i}] is empty."));
            }

            if (length > _options.MaxCharactersPerText)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"texts[{i}] has {length} characters; this server accepts at most {_options.MaxCharactersPerText}."));
            }
        }

        return role;
    }
}
