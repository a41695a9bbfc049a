using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Cli.Tests.Client;

/// <summary>The /v1/ask event stream as the gateway writes it and every client reads it (RagPlatform.Client's AnswerStream).</summary>
[Trait("Category", "Unit")]
public sealed class AnswerStreamTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WriteAsync_ThenReadAsync_GivesBackEveryEventInOrder()
    {
        var citation = new CitationResource(1, "guide.md", "Setup > Keys", ["Setup", "Keys"], 10, 60, "Keys are\nhashed.", 0.9f, null, "c1", true);
        IAnswerEvent[] sent =
        [
            new AnswerToken("Keys are "),
            new AnswerToken("hashed [1]."),
            new AnswerCitations([citation]),
            new AnswerDone { Degraded = ["rerank"], ForgedModels = true, FinishReason = FinishReasons.Length, Usage = new(120, 7, 20, 1), RequestId = "r1" },
        ];

        var (wire, received) = await RoundTripAsync(sent);

        Assert.StartsWith("event: token\ndata: {\"text\":\"Keys are \"}\n\n", wire, StringComparison.Ordinal);
        Assert.Contains("event: citations\ndata: [{\"n\":1,", wire, StringComparison.Ordinal);
        Assert.Equal(["Keys are ", "hashed [1]."], received.OfType<AnswerToken>().Select(t => t.Text));
        var cited = Assert.Single(Assert.Single(received.OfType<AnswerCitations>()).Citations);
        Assert.Equal(citation with { SectionPath = cited.SectionPath }, cited);
        Assert.Equal(["Setup", "Keys"], cited.SectionPath);
        var done = Assert.IsType<AnswerDone>(received[^1]);
        Assert.Equal((FinishReasons.Length, 7, "r1", true), (done.FinishReason, done.Usage.CompletionTokens, done.RequestId, done.ForgedModels));
        Assert.Equal(["rerank"], done.Degraded);
    }

    [Fact]
    public async Task ErrorEvent_CarriesTheProblem()
    {
        var (wire, received) = await RoundTripAsync([new AnswerToken("Part"), new AnswerError(new ApiProblem(503, "Service unavailable", "The generator is down.", "r9"))]);

        Assert.Contains("event: error\ndata: {\"status\":503,", wire, StringComparison.Ordinal);
        var problem = Assert.IsType<AnswerError>(received[^1]).Problem;
        Assert.Equal((503, "The generator is down.", "r9"), (problem.Status, problem.Detail, problem.RequestId));
    }

    [Fact]
    public async Task ReadAsync_UnknownEventsCommentsAndCrLf_AreReadAsTheStandardSays()
    {
        // A newer gateway's event, a keep-alive comment, CRLF line ends and a data field split over two lines.
        const string Wire = ": keep-alive\r\nevent: progress\r\ndata: {\"stage\":\"rerank\"}\r\n\r\n"
            + "event: token\r\ndata: {\"text\":\r\ndata: \"a\"}\r\n\r\nevent: done\ndata: {\"requestId\":\"r2\"}\n\n";

        var received = await ReadAsync(Wire);

        Assert.Equal(2, received.Count);
        Assert.Equal("a", Assert.IsType<AnswerToken>(received[0]).Text);
        Assert.Equal("r2", Assert.IsType<AnswerDone>(received[1]).RequestId);
    }

    [Fact]
    public async Task ReadAsync_EventCutOffAtTheEnd_IsNotDispatched()
    {
        var received = await ReadAsync("event: token\ndata: {\"text\":\"a\"}\n\nevent: done\ndata: {\"requestId\":\"r\"}");

        Assert.IsType<AnswerToken>(Assert.Single(received));
    }

    private static async Task<(string Wire, List<IAnswerEvent> Received)> RoundTripAsync(IReadOnlyList<IAnswerEvent> events)
    {
        using var buffer = new MemoryStream();
        await AnswerStream.WriteAsync(events.ToAsyncEnumerable(), buffer, CancellationToken.None).WaitAsync(Bound);
        var wire = Encoding.UTF8.GetString(buffer.ToArray());
        return (wire, await ReadAsync(wire));
    }

    private static async Task<List<IAnswerEvent>> ReadAsync(string wire)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(wire));
        var received = new List<IAnswerEvent>();
        await foreach (var item in AnswerStream.ReadAsync(stream, CancellationToken.None))
        {
            received.Add(item);
        }

        return await Task.FromResult(received).WaitAsync(Bound);
    }
}
