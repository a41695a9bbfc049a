using Google.Protobuf;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Tokenizers;

namespace RagPlatform.ModelHosting;

/// <summary>
/// The service's model once it is loaded and warm. Handlers read <see cref="Model"/>; before the model is ready it
/// throws UNAVAILABLE, matching the NOT_SERVING the health service reports meanwhile. Owns the model: disposed with
/// the container, after the server has drained in-flight calls.
/// </summary>
public sealed class ModelHost<TModel> : IDisposable
    where TModel : class, IDisposable
{
    private TModel? _model;
    private ModelInfo? _info;
    private string? _directory;

    internal ModelHost(string healthService) => HealthService = healthService;

    /// <summary>The grpc.health.v1 service name this model's readiness is reported under, e.g. "rag.v1.Embedder".</summary>
    public string HealthService { get; }

    /// <exception cref="RpcException">UNAVAILABLE while the model is loading.</exception>
    public TModel Model => Volatile.Read(ref _model) ?? throw NotReady();

    /// <summary>What the Info call returns (a fresh copy: callers may mutate it).</summary>
    /// <exception cref="RpcException">UNAVAILABLE while the model is loading.</exception>
    public ModelInfo Info => Volatile.Read(ref _info)?.Clone() ?? throw NotReady();

    /// <summary>The full path of the directory the model was loaded from (tokenizer files are served from it).</summary>
    /// <exception cref="RpcException">UNAVAILABLE while the model is loading.</exception>
    public string Directory => Volatile.Read(ref _directory) ?? throw NotReady();

    /// <summary>
    /// Streams the loaded model's tokenizer files (GetTokenizer of the Embedder and the Generator) in pieces well under
    /// the message-size limit; an empty file is sent as one empty piece, so the client still creates it.
    /// </summary>
    /// <exception cref="RpcException">UNAVAILABLE while the model is loading.</exception>
    public async Task WriteTokenizerAsync(IServerStreamWriter<TokenizerFile> stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        const int PieceBytes = 256 * 1024;
        var directory = Directory;
        var buffer = new byte[PieceBytes];
        foreach (var name in TokenizerLoader.FileNames)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            await using var file = File.OpenRead(path);
            int read;
            var sent = false;
            while ((read = await file.ReadAtLeastAsync(buffer, PieceBytes, throwOnEndOfStream: false, cancellationToken)) > 0 || !sent)
            {
                await stream.WriteAsync(new TokenizerFile { Name = name, Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
                sent = true;
            }
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _model, null)?.Dispose();

    internal void SetReady(TModel model, ModelInfo info, string directory)
    {
        Volatile.Write(ref _directory, directory);
        Volatile.Write(ref _info, info);
        Volatile.Write(ref _model, model);
    }

    private RpcException NotReady() => new(new Status(StatusCode.Unavailable,
        $"The model of {HealthService} is still loading; retry when grpc.health.v1 reports SERVING for '{HealthService}'."));
}
