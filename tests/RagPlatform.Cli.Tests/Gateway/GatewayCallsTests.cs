using System.Net;
using System.Net.Sockets;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Gateway;
using RagPlatform.Cli.Tests.Infrastructure;

namespace RagPlatform.Cli.Tests.Gateway;

[Trait("Category", "Unit")]
public sealed class GatewayCallsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly GatewayTarget Target = new(new Uri("http://gateway.test:8080"), "rag_key", "test");

    [Fact]
    public async Task Request_CarriesTheKeyAsBearer()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Json(HttpStatusCode.OK, """{"services":[],"anyForged":true}""")));
        using var client = new GatewayCalls(Target, Bound, gateway);

        var models = await client.GetModelsAsync(CancellationToken.None).WaitAsync(Bound);

        Assert.True(models.AnyForged);
        Assert.Equal("Bearer rag_key", Assert.Single(gateway.Requests).Authorization);
    }

    [Fact]
    public async Task Unauthorized_BecomesExitCode4_WithAHint()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Problem(HttpStatusCode.Unauthorized, "Missing or unknown API key.")));
        using var client = new GatewayCalls(Target, Bound, gateway);

        var failure = await Assert.ThrowsAsync<CliException>(() => client.GetModelsAsync(CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(ExitCodes.Unauthorized, failure.ExitCode);
        Assert.Contains("Missing or unknown API key.", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.Hint);
    }

    [Fact]
    public async Task ServerProblem_BecomesFailed_WithTheGatewaysDetail()
    {
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Problem(HttpStatusCode.NotFound, "Collection 'nope' does not exist.")));
        using var client = new GatewayCalls(Target, Bound, gateway);

        var failure = await Assert.ThrowsAsync<CliException>(() => client.ListDocumentsAsync("nope", CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(ExitCodes.Failed, failure.ExitCode);
        Assert.Contains("Collection 'nope' does not exist.", failure.Message, StringComparison.Ordinal);
        Assert.Contains("req-1", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimited_IsRetriedAfterRetryAfter_ThenSucceeds()
    {
        var calls = 0;
        var gateway = new ScriptedGateway(_ =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                var limited = ScriptedGateway.Problem(HttpStatusCode.TooManyRequests, "slow down");
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
                return Task.FromResult(limited);
            }

            return Task.FromResult(ScriptedGateway.Json(HttpStatusCode.OK, """{"documents":[],"nextPageToken":null}"""));
        });
        using var client = new GatewayCalls(Target, Bound, gateway);

        var documents = await client.ListDocumentsAsync("kb", CancellationToken.None).WaitAsync(Bound);

        Assert.Empty(documents);
        Assert.Equal(3, gateway.Requests.Count);
    }

    [Fact]
    public async Task ListDocuments_FollowsEveryPage()
    {
        var gateway = new ScriptedGateway(request => Task.FromResult(ScriptedGateway.Json(HttpStatusCode.OK, request.RequestUri!.Query.Contains("pageToken=p2", StringComparison.Ordinal)
            ? """{"documents":[{"collection":"kb","documentId":"b","state":"failed","error":"unreadable"}],"nextPageToken":null}"""
            : """{"documents":[{"collection":"kb","documentId":"a","state":"indexed"}],"nextPageToken":"p2"}""")));
        using var client = new GatewayCalls(Target, Bound, gateway);

        var documents = await client.ListDocumentsAsync("kb", CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(["a", "b"], documents.Select(d => d.DocumentId));
        Assert.Equal("unreadable", documents[1].Error);
    }

    [Fact]
    public async Task NothingListening_IsUnavailable_WithHowToStartIt()
    {
        // A port that was free a moment ago: connection refused, promptly.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new GatewayCalls(new GatewayTarget(new Uri($"http://127.0.0.1:{port}"), null, "none"), Bound, new SocketsHttpHandler());

        var failure = await Assert.ThrowsAsync<CliException>(() => client.GetModelsAsync(CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(ExitCodes.Unavailable, failure.ExitCode);
        Assert.Contains("rag up", failure.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SlowGateway_TimesOutAsFailed_NotAsCancelled()
    {
        var gateway = new ScriptedGateway(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return ScriptedGateway.Json(HttpStatusCode.OK, "{}");
        });
        using var client = new GatewayCalls(Target, TimeSpan.FromMilliseconds(200), gateway);

        var failure = await Assert.ThrowsAsync<CliException>(() => client.GetModelsAsync(CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal(ExitCodes.Failed, failure.ExitCode);
        Assert.Contains("did not answer within", failure.Message, StringComparison.Ordinal);
    }
}
