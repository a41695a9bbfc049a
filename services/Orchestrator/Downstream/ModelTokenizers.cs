using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Tokenizers;

namespace RagPlatform.Orchestrator.Downstream;

/// <summary>
/// Local copies of the model services' tokenizers: the embedder's, so chunks are cut to fit the model that embeds them,
/// and the generator's, so a prompt is packed into its context without a call. Each is fetched once (GetTokenizer)
/// into tokenizers/{service-model}/ under the data directory, loaded from there (a later start reuses the copy) and
/// kept in memory for as long as the service serves that model.
/// </summary>
internal sealed class ModelTokenizers(ModelServices services, string cacheRoot)
{
    private readonly ConcurrentDictionary<string, Task<ITokenizer>> _loaded = new(StringComparer.Ordinal);

    public Task<ITokenizer> EmbedderAsync(ModelInfo model, CancellationToken cancellationToken) =>
        LoadAsync(services.Embedder, o => services.EmbedderClient.GetTokenizer(new InfoRequest(), o), model, cancellationToken);

    public Task<ITokenizer> GeneratorAsync(ModelInfo model, CancellationToken cancellationToken) =>
        LoadAsync(services.Generator, o => services.GeneratorClient.GetTokenizer(new InfoRequest(), o), model, cancellationToken);

    private async Task<ITokenizer> LoadAsync(DownstreamService service, Func<CallOptions, AsyncServerStreamingCall<TokenizerFile>> open, ModelInfo model,
        CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{service.Name}|{model.ModelId}@{model.Revision}/{model.VocabularySize}/{model.Architecture}")))[..16];
        var loading = _loaded.GetOrAdd(key, _ => Task.Run(async () =>
        {
            var directory = Path.Combine(cacheRoot, key);
            if (!Directory.Exists(directory))
            {
                await FetchAsync(service, open, directory, CancellationToken.None);
            }

            return TokenizerLoader.Load(directory);
        }));
        try
        {
            return await loading.WaitAsync(cancellationToken);
        }
        catch (Exception) when (loading.IsFaulted)
        {
            // A failed fetch (the service went away) is tried again by the next caller.
            _loaded.TryRemove(new KeyValuePair<string, Task<ITokenizer>>(key, loading));
            throw;
        }
    }

    private static async Task FetchAsync(DownstreamService service, Func<CallOptions, AsyncServerStreamingCall<TokenizerFile>> open, string directory,
        CancellationToken cancellationToken)
    {
        // Complete files into a temporary folder, then one rename: a crash never leaves half a tokenizer to load.
        var partial = directory + ".partial";
        await service.CallAsync(async options =>
        {
            // Each attempt starts over: a retried stream must not append to a previous attempt's pieces.
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }

            Directory.CreateDirectory(partial);
            using var call = open(options);
            var files = new Dictionary<string, FileStream>(StringComparer.Ordinal);
            try
            {
                await foreach (var piece in call.ResponseStream.ReadAllAsync(options.CancellationToken))
                {
                    if (!TokenizerLoader.FileNames.Contains(piece.Name))
                    {
                        throw new InvalidDataException($"The {service.Name} sent an unexpected tokenizer file '{piece.Name}'.");
                    }

                    if (!files.TryGetValue(piece.Name, out var file))
                    {
                        files[piece.Name] = file = File.Create(Path.Combine(partial, piece.Name));
                    }

                    await file.WriteAsync(piece.Data.Memory, options.CancellationToken);
                }
            }
            finally
            {
                foreach (var file in files.Values)
                {
                    await file.DisposeAsync();
                }
            }

            return files.Count;
        }, DateTime.MaxValue, cancellationToken);
        Directory.Move(partial, directory);
    }
}
