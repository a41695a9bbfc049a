using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Ingestion.Status;
using RagPlatform.Ingestion.Tests.Infrastructure;
using RagPlatform.Retrieval;
using Xunit.Abstractions;

namespace RagPlatform.Ingestion.Tests.Crash;

/// <summary>
/// SIGKILL at random moments: a child process (<see cref="IngestionCrashWorker"/>) ingests a stream of new and
/// rewritten documents and acknowledges each one durably indexed. After every kill the index must hold, for every
/// document, exactly the chunks of one whole version (never a mix, never a part), no older than the version last
/// acknowledged, and the status table must agree with it. At the end the queue is drained and every document must
/// hold exactly its final version.
/// </summary>
[Trait("Category", "Fault")]
[Collection(EnvironmentCollection.Name)]
public sealed class IngestionCrashTests(TestEnvironment env, ITestOutputHelper output) : IDisposable
{
    private const int Kills = 20;
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _root = new();
    private readonly IReadOnlyList<CrashStep> _plan = IngestionCrashWorker.Plan();
    private readonly Dictionary<(string DocumentId, int Version), ExpectedVersion> _expected = [];

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task SigKill_AtRandomMoments_LosesNoAcknowledgedDocument_AndNeverLeavesAPartialOne()
    {
        var random = new Random(20250611);
        var acknowledged = new Dictionary<string, int>(StringComparer.Ordinal);
        var acks = 0;
        var nextStep = 0;
        for (var round = 0; round < Kills; round++)
        {
            // Every fourth round kills without waiting for progress, so some kills land in start-up and recovery.
            var waitForProgress = round % 4 != 3;
            var run = await RunAsync(nextStep, kill: true, waitForProgress, TimeSpan.FromMilliseconds(random.Next(0, 400)));
            foreach (var (documentId, hash) in run.Acks)
            {
                acknowledged[documentId] = await VersionOfAsync(documentId, hash);
            }

            acks += run.Acks.Count;
            nextStep = run.LastStep + 1;

            // The step after the last finished one may be in flight: its version may already be on disk or indexed.
            var started = Math.Min(nextStep + 1, _plan.Count);
            var chunks = await VerifyAsync(acknowledged, started);
            output.WriteLine($"round {round}: {run.Acks.Count} acks, killed during step {nextStep}, {chunks} chunks verified");
        }

        Assert.True(nextStep > Kills, $"the worker only got to step {nextStep} in {Kills} runs");
        Assert.True(nextStep < _plan.Count, "the stream ran out before the last kill; lengthen IngestionCrashWorker.Steps");

        var drained = await RunAsync(nextStep, kill: false, waitForProgress: false, TimeSpan.Zero);
        Assert.Equal(_plan.Count - 1, drained.LastStep);
        var final = await VerifyFinalAsync();
        output.WriteLine($"SUMMARY: kills survived {Kills}, acknowledged documents {acks + drained.Acks.Count}, " +
            $"documents {final.Documents}, chunks {final.Chunks}, chunks lost 0");
    }

    private sealed record RunResult(IReadOnlyList<(string DocumentId, string Hash)> Acks, int LastStep);

    /// <summary>Ingested chunk ids and texts of one document version, as the chunker makes them from the file.</summary>
    private sealed record ExpectedVersion(string Hash, IReadOnlyDictionary<string, string> TextById);

    private async Task<RunResult> RunAsync(int firstStep, bool kill, bool waitForProgress, TimeSpan extraDelay)
    {
        var acks = new ConcurrentQueue<(string, string)>();
        var lastStep = firstStep - 1;
        var progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                ArgumentList =
                {
                    typeof(IngestionCrashWorker).Assembly.Location, "ingest-worker", _root.Path,
                    firstStep.ToString(CultureInfo.InvariantCulture), kill ? "run" : "drain",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.OutputDataReceived += (_, e) =>
        {
            switch (e.Data?.Split(' ', 3))
            {
                case ["ACK", var documentId, var hash]:
                    acks.Enqueue((documentId, hash));
                    progress.TrySetResult();
                    break;
                case ["STEP", var step]:
                    Volatile.Write(ref lastStep, int.Parse(step, CultureInfo.InvariantCulture));
                    progress.TrySetResult();
                    break;
                case ["FAIL", ..]:
                    errors.Enqueue(e.Data);
                    break;
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                errors.Enqueue(line);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (!kill)
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
                Assert.True(process.ExitCode == 0, "the draining worker failed: " + string.Join(Environment.NewLine, errors));
            }
            else
            {
                if (waitForProgress)
                {
                    await progress.Task.WaitAsync(ChildTimeout);
                }

                await Task.Delay(extraDelay);
                Assert.False(process.HasExited, "the worker stopped on its own: " + string.Join(Environment.NewLine, errors));
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Unix: no finally blocks, no flushes, no dispose in the child
            }

            // Also waits for the end of the redirected output, so every ack the child wrote before dying is counted.
            await process.WaitForExitAsync().WaitAsync(ChildTimeout);
        }

        Assert.True(errors.IsEmpty, "the worker reported: " + string.Join(Environment.NewLine, errors));
        return new RunResult([.. acks], Volatile.Read(ref lastStep));
    }

    /// <returns>The chunks found in the index.</returns>
    private async Task<long> VerifyAsync(Dictionary<string, int> acknowledged, int startedSteps)
    {
        var newest = _plan.Take(startedSteps).GroupBy(s => s.DocumentId).ToDictionary(g => g.Key, g => g.Max(s => s.Version));
        await using var index = await EmbeddedIndex.OpenAsync(IngestionCrashWorker.IndexOptions(_root.Path)).Bounded();
        if (await index.GetCollectionAsync(IngestionCrashWorker.Collection).Bounded() is null)
        {
            Assert.Empty(acknowledged);
            return 0;
        }

        using var status = SqliteDocumentStore.Open(IngestionCrashWorker.StatusPath(_root.Path));
        long total = 0;
        foreach (var (documentId, newestVersion) in newest)
        {
            int? oldest = acknowledged.TryGetValue(documentId, out var acked) ? acked : null;
            var held = await HeldVersionAsync(index, documentId, oldest ?? 0, newestVersion);
            var row = await status.GetAsync(IngestionCrashWorker.Collection, documentId, CancellationToken.None);
            Assert.True(held.Chunks == 0 || held.Version is not null,
                $"{documentId} holds {held.Chunks} chunks that are no whole version in {oldest ?? 0}..{newestVersion}");
            Assert.True(oldest is null || held.Version is not null,
                $"acknowledged {documentId} (version {oldest}) lost its chunks: {held.Chunks} left");
            Assert.True(held.Chunks == 0 || row is not null, $"{documentId} has chunks but no status row");
            Assert.NotEqual(DocumentState.Failed, row?.State);
            if (row?.State == DocumentState.Indexed)
            {
                Assert.True(held.Version is not null, $"{documentId} is marked Indexed but the index has no whole version of it");
                Assert.Equal((await ExpectedAsync(documentId, held.Version.Value)).Hash, row.ContentHash);
                Assert.Equal(held.Chunks, row.ChunkCount);
            }

            total += held.Chunks;
        }

        // No chunk outside the documents checked above (no orphans of an aborted write).
        Assert.Equal(total, await index.CountAsync(IngestionCrashWorker.Collection).Bounded());
        return total;
    }

    private async Task<(int Documents, long Chunks)> VerifyFinalAsync()
    {
        var final = _plan.GroupBy(s => s.DocumentId).ToDictionary(g => g.Key, g => g.Max(s => s.Version));
        await using var index = await EmbeddedIndex.OpenAsync(IngestionCrashWorker.IndexOptions(_root.Path)).Bounded();
        using var status = SqliteDocumentStore.Open(IngestionCrashWorker.StatusPath(_root.Path));
        long total = 0;
        foreach (var (documentId, version) in final)
        {
            var held = await HeldVersionAsync(index, documentId, version, version);
            Assert.True(held.Version == version, $"after draining, {documentId} does not hold exactly its final version {version}");
            var row = await status.GetAsync(IngestionCrashWorker.Collection, documentId, CancellationToken.None);
            Assert.Equal(DocumentState.Indexed, row?.State);
            Assert.Equal((await ExpectedAsync(documentId, version)).Hash, row!.ContentHash);
            Assert.Equal(held.Chunks, row.ChunkCount);
            total += held.Chunks;
        }

        Assert.Equal(final.Count, (await status.ListAsync(IngestionCrashWorker.Collection, "", int.MaxValue, CancellationToken.None)).Count);
        Assert.Equal(total, await index.CountAsync(IngestionCrashWorker.Collection).Bounded());
        return (final.Count, total);
    }

    /// <summary>
    /// Which version in [oldest, newest] the index holds for the document: all its chunk ids are found by id with the
    /// right text, and the document has no other chunk. Null when it holds none or a mix.
    /// </summary>
    private async Task<(int? Version, long Chunks)> HeldVersionAsync(EmbeddedIndex index, string documentId, int oldest, int newest)
    {
        var chunks = await index.CountAsync(IngestionCrashWorker.Collection, IngestionPipeline.ByDocument(documentId)).Bounded();
        if (chunks == 0)
        {
            return (null, 0);
        }

        for (var version = newest; version >= oldest; version--)
        {
            var expected = (await ExpectedAsync(documentId, version)).TextById;
            if (expected.Count != chunks)
            {
                continue;
            }

            var found = await index.GetAsync(IngestionCrashWorker.Collection, [.. expected.Keys]).Bounded();
            if (found.Count == chunks && found.All(p => expected[p.Id] == p.Text))
            {
                return (version, chunks);
            }
        }

        return (null, chunks);
    }

    private async Task<ExpectedVersion> ExpectedAsync(string documentId, int version)
    {
        if (!_expected.TryGetValue((documentId, version), out var expected))
        {
            var content = IngestionCrashWorker.Content(documentId, version);
            var parsed = await IngestionCrashWorker.Parsers().ParseAsync(documentId, content, CancellationToken.None).Bounded();
            var chunks = IngestionCrashWorker.Chunker(env).Chunk(documentId, parsed);
            expected = new ExpectedVersion(ContentIds.ContentHash(content), chunks.ToDictionary(c => c.Id, c => c.Text));
            _expected[(documentId, version)] = expected;
        }

        return expected;
    }

    private async Task<int> VersionOfAsync(string documentId, string hash)
    {
        foreach (var version in _plan.Where(s => s.DocumentId == documentId).Select(s => s.Version))
        {
            if ((await ExpectedAsync(documentId, version)).Hash == hash)
            {
                return version;
            }
        }

        throw new Xunit.Sdk.XunitException($"acknowledged {documentId} with hash {hash}, which is no version the stream writes");
    }
}
