using System.Collections.Concurrent;
using System.Net;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Faults;

/// <summary>What one request of the steady load got back.</summary>
public sealed record LoadOutcome(string Kind, HttpStatusCode? Status, bool Degraded, DateTime At);

/// <summary>
/// Steady traffic on the gateway while services die: one uploader (a new small document every 150 ms, each with a
/// unique word) and two askers (a question every ~0.3 s each). Records every outcome and the uploads the gateway acknowledged (202), which are the
/// documents that must never be lost.
/// </summary>
public sealed class SteadyLoad : IAsyncDisposable
{
    private readonly RagPlatformClient _gateway;
    private readonly string _collection;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private int _sequence;

    public SteadyLoad(RagPlatformClient gateway, string collection)
    {
        _gateway = gateway;
        _collection = collection;
        _workers.Add(Task.Run(UploadLoopAsync));
        _workers.Add(Task.Run(AskLoopAsync));
        _workers.Add(Task.Run(AskLoopAsync));
    }

    /// <summary>Acknowledged uploads: document id → its unique word.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new();

    public ConcurrentQueue<LoadOutcome> Outcomes { get; } = new();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    /// <summary>The unique word of document <paramref name="n"/>: lexical search finds exactly that document by it.</summary>
    public static string Word(int n) => $"zyx{n:D5}kw";

    private async Task UploadLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var n = Interlocked.Increment(ref _sequence);
            var id = $"load-{n:D5}.txt";
            var text = $"Load document {n} mentions the marker {Word(n)} and nothing else of note.";
            await RecordAsync("upload", async () =>
            {
                var (status, _) = await GatewayOutcome.OfAsync(() => _gateway.UploadDocumentAsync(_collection, new UploadFile(id, Encoding.UTF8.GetBytes(text))), HttpStatusCode.Accepted);
                if (status == HttpStatusCode.Accepted)
                {
                    Acknowledged[id] = Word(n);
                }

                return (status, false);
            });
            await Pause(150);
        }
    }

    private async Task AskLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await RecordAsync("ask", async () =>
            {
                var (status, answer) = await GatewayOutcome.OfAsync(() => _gateway.AskAsync(
                    new AskRequest(_collection, "Which document mentions the marker?") { MaxTokens = 2, TimeoutSeconds = 20 }));
                return (status, answer is { Degraded.Count: > 0 });
            });
            // Steady, not saturating: one generator sequence at a time is the default, and a probe must not queue behind a wall.
            await Pause(300);
        }
    }

    private async Task RecordAsync(string kind, Func<Task<(HttpStatusCode? Status, bool Degraded)>> request)
    {
        try
        {
            var (status, degraded) = await request();
            Outcomes.Enqueue(new LoadOutcome(kind, status, degraded, DateTime.UtcNow));
        }
        catch (TaskCanceledException) when (!_stop.IsCancellationRequested)
        {
            Outcomes.Enqueue(new LoadOutcome(kind, HttpStatusCode.RequestTimeout, false, DateTime.UtcNow));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task Pause(int milliseconds)
    {
        try
        {
            await Task.Delay(milliseconds, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
