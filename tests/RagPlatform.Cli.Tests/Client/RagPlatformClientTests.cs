using System.Net;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Client;

namespace RagPlatform.Cli.Tests.Client;

/// <summary>RagPlatformClient over a scripted gateway: what it sends, and how refusals and failures reach its caller.</summary>
[Trait("Category", "Unit")]
public sealed class RagPlatformClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ask_SendsTheKeyAndOnlyTheFieldsGiven()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Json(HttpStatusCode.OK, """{"answer":"Yes [1].","citations":[],"usage":{"completionTokens":3},"requestId":"r1"}""")));
        var client = Client(gateway, "rag_key");

        var answer = await client.AskAsync(new AskRequest("docs", "Are keys hashed?") { MaxTokens = 16 }).WaitAsync(Bound);

        Assert.Equal(("Yes [1].", 3, "r1"), (answer.Answer, answer.Usage.CompletionTokens, answer.RequestId));
        var request = Assert.Single(gateway.Requests);
        Assert.Equal(("/v1/ask", "Bearer rag_key"), (request.Path, request.Authorization));
        Assert.Equal("""{"collection":"docs","question":"Are keys hashed?","maxTokens":16}""", request.Body);
    }

    [Fact]
    public async Task Refusal_ThrowsWithTheProblemsStatusDetailAndRequestId()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Problem(HttpStatusCode.NotFound, "Collection 'nope' does not exist.")));

        var failure = await Assert.ThrowsAsync<RagPlatformException>(() => Client(gateway).GetCollectionAsync("nope")).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
        Assert.Equal(("Collection 'nope' does not exist.", "req-1", "NotFound"), (failure.Detail, failure.RequestId, failure.Title));
        Assert.Equal(failure.Detail, failure.Message);
    }

    [Fact]
    public async Task RateLimited_IsRetriedAsOften_ThenThrowsWithRetryAfter()
    {
        var gateway = new ScriptedGateway(_ =>
        {
            var limited = ScriptedGateway.Problem(HttpStatusCode.TooManyRequests, "slow down");
            limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return Task.FromResult(limited);
        });

        var failure = await Assert.ThrowsAsync<RagPlatformException>(() => Client(gateway, retries: 2).GetModelsAsync()).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.TooManyRequests, failure.StatusCode);
        Assert.Equal(TimeSpan.Zero, failure.RetryAfter);
        Assert.Equal(3, gateway.Requests.Count);
    }

    [Fact]
    public async Task AskStream_ErrorEventAfterATokens_YieldsTheTokenThenThrowsTheProblem()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Json(HttpStatusCode.OK,
            "event: token\ndata: {\"text\":\"Part\"}\n\nevent: error\ndata: {\"status\":504,\"detail\":\"Too slow.\",\"requestId\":\"r9\"}\n\n", "text/event-stream")));
        var received = new List<IAnswerEvent>();

        var failure = await Assert.ThrowsAsync<RagPlatformException>(async () =>
        {
            await foreach (var next in Client(gateway).AskStreamAsync(new AskRequest("docs", "q")))
            {
                received.Add(next);
            }
        }).WaitAsync(Bound);

        Assert.Equal("Part", Assert.IsType<AnswerToken>(Assert.Single(received)).Text);
        Assert.Equal((HttpStatusCode.GatewayTimeout, "r9"), (failure.StatusCode, failure.RequestId));
        Assert.Equal("text/event-stream", Assert.Single(gateway.Requests).Accept);
    }

    [Fact]
    public async Task UploadDocument_SendsTheFileAndItsIdAsMultipart()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Json(HttpStatusCode.Accepted,
            """{"documents":[{"collection":"kb","documentId":"notes","state":"queued"}]}""")));

        var document = await Client(gateway).UploadDocumentAsync("kb", new UploadFile("notes.md", "# Notes"u8.ToArray()), "notes").WaitAsync(Bound);

        Assert.Equal((DocumentStates.Queued, false), (document.State, document.IsSettled));
        var body = Assert.Single(gateway.Requests).Body!;
        Assert.Contains("name=file; filename=notes.md", body, StringComparison.Ordinal);
        Assert.Contains("name=documentId", body, StringComparison.Ordinal);
        Assert.Contains("# Notes", body, StringComparison.Ordinal);
    }

    private static RagPlatformClient Client(ScriptedGateway gateway, string? apiKey = null, int retries = 0) =>
        new(new HttpClient(gateway) { BaseAddress = new Uri("http://gateway.test:8080") }, new RagPlatformClientOptions { ApiKey = apiKey, RateLimitRetries = retries });
}
