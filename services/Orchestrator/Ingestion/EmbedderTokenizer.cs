using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Tokenizers;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>
/// The embedder's own tokenizer, so chunks are cut to fit the model that embeds them. Fetched from the Embedder
/// service (GetTokenizer) into tokenizers/{model}/ under the data directory and loaded from there; a later start
/// reuses the copy.
/// </summary>
internal sealed class EmbedderTokenizer(ModelServices services, string cacheRoot)
{
    public async Task<ITokenizer> LoadAsync(ModelInfo model, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{model.ModelId}@{model.Revision}/{model.VocabularySize}")))[..16];
        var directory = Path.Combine(cacheRoot, key);
        if (!Directory.Exists(directory))
        {
            await FetchAsync(directory, cancellationToken);
        }

        return TokenizerLoader.Load(directory);
    }

    private async Task FetchAsync(string directory, CancellationToken cancellationToken)
    {
        // Complete files into a temporary folder, then one rename: a crash never leaves half a tokenizer to load.
        var partial = directory + ".partial";
        await services.Embedder.CallAsync(async options =>
        {
            // Each attempt starts over: a retried stream must not append to a previous attempt's pieces.
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }

            Directory.CreateDirectory(partial);
            using var call = services.EmbedderClient.GetTokenizer(new InfoRequest(), options);
            var open = new Dictionary<string, FileStream>(StringComparer.Ordinal);
            try
            {
                await foreach (var piece in call.ResponseStream.ReadAllAsync(options.CancellationToken))
                {
                    if (!TokenizerLoader.FileNames.Contains(piece.Name))
                    {
                        throw new InvalidDataException($"The embedder sent an unexpected tokenizer file '{piece.Name}'.");
                    }

                    if (!open.TryGetValue(piece.Name, out var file))
                    {
                        open[piece.Name] = file = File.Create(Path.Combine(partial, piece.Name));
                    }

                    await file.WriteAsync(piece.Data.Memory, options.CancellationToken);
                }
            }
            finally
            {
                foreach (var file in open.Values)
                {
                    await file.DisposeAsync();
                }
            }

            return open.Count;
        }, DateTime.MaxValue, cancellationToken);
        Directory.Move(partial, directory);
    }
}
