using System.Collections.Concurrent;
using System.Diagnostics;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Gateway;
using RagPlatform.Client;

namespace RagPlatform.Cli.Ingestion;

/// <summary>One document to upload: its id, the file name the gateway parses by, where it came from, and its bytes on demand.</summary>
internal sealed record UploadItem(string DocumentId, string FileName, string Origin, Func<CancellationToken, Task<byte[]>> ReadAsync)
{
    public static UploadItem FromFile(SourceFile file) => new(file.DocumentId, file.FileName, file.Path, token => File.ReadAllBytesAsync(file.Path, token));
}

/// <summary>What became of one document: indexed, or not and why.</summary>
internal sealed record UploadOutcome(UploadItem Item, bool Indexed, string? Reason);

/// <summary>
/// Uploads documents through the gateway (a few at a time), then polls the collection's document list until each is
/// indexed or failed, or the time bound passes. A document the gateway refuses is recorded with its reason and the
/// rest go on; a refused key or an unreachable gateway stops everything (those are not per-document problems).
/// </summary>
internal sealed class DocumentUploader(GatewayCalls gateway, IngestView view)
{
    private const int UploadConcurrency = 4;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async Task<IReadOnlyList<UploadOutcome>> UploadAndWaitAsync(string collection, IReadOnlyList<UploadItem> items, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var refused = await UploadAsync(collection, items, cancellationToken);
        return await WaitForIndexingAsync(collection, items, refused, timeout, cancellationToken);
    }

    private async Task<IReadOnlyDictionary<string, string>> UploadAsync(string collection, IReadOnlyList<UploadItem> items, CancellationToken cancellationToken)
    {
        var refused = new ConcurrentDictionary<string, string>();
        var done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(items, parallel, async (item, token) =>
        {
            try
            {
                var content = await item.ReadAsync(token);
                await gateway.UploadAsync(collection, item.FileName, item.DocumentId, content, token);
                Interlocked.Increment(ref done);
            }
            catch (CliException ex) when (ex.ExitCode == ExitCodes.Failed)
            {
                refused[item.DocumentId] = "upload refused: " + ex.Message;
            }
            catch (IOException ex)
            {
                refused[item.DocumentId] = "could not read the file: " + ex.Message;
            }

            view.Uploaded(Volatile.Read(ref done), refused.Count);
        });
        return refused;
    }

    private async Task<IReadOnlyList<UploadOutcome>> WaitForIndexingAsync(string collection, IReadOnlyList<UploadItem> items,
        IReadOnlyDictionary<string, string> refused, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var waiting = items.Where(i => !refused.ContainsKey(i.DocumentId)).Select(i => i.DocumentId).ToHashSet();
        var states = new Dictionary<string, DocumentResource>();
        while (waiting.Count > 0)
        {
            foreach (var document in await gateway.ListDocumentsAsync(collection, cancellationToken))
            {
                if (waiting.Contains(document.DocumentId))
                {
                    states[document.DocumentId] = document;
                }
            }

            var finished = states.Values.Count(d => d.IsSettled);
            view.Indexing(states.Values.Count(d => d.State == DocumentStates.Indexed), states.Values.Count(d => d.State == DocumentStates.Failed) + refused.Count, waiting.Count - finished);
            if (finished == waiting.Count || clock.Elapsed >= timeout)
            {
                break;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        var bound = $"{timeout.TotalSeconds:0} s";
        return [.. items.Select(item =>
            refused.TryGetValue(item.DocumentId, out var reason) ? new UploadOutcome(item, false, reason)
            : !states.TryGetValue(item.DocumentId, out var document) ? new UploadOutcome(item, false, $"not listed by the gateway within {bound}")
            : document.State == DocumentStates.Indexed ? new UploadOutcome(item, true, null)
            : document.State == DocumentStates.Failed ? new UploadOutcome(item, false, document.Error ?? "failed (no reason given)")
            : new UploadOutcome(item, false, $"still {document.State} after {bound} (raise --timeout)"))];
    }
}
