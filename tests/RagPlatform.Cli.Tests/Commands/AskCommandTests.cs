using System.Net;
using System.Text.Json;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Tests.Infrastructure;

namespace RagPlatform.Cli.Tests.Commands;

[Trait("Category", "Unit")]
public sealed class AskCommandTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private const string Citations = """
        event: citations
        data: [{"n":2,"documentId":"guide.md","section":"Setup > Keys","start":10,"end":60,"text":"Keys are   stored\nhashed.","score":0.9,"title":"Guide","referenced":true},{"n":1,"documentId":"faq.txt","section":"","start":0,"end":30,"text":"Other text.","score":0.5,"title":null,"referenced":false}]


        """;

    private const string Done = """
        event: done
        data: {"degraded":["rerank"],"noAnswer":false,"forgedModels":true,"finishReason":"stop","usage":{"promptTokens":120,"completionTokens":7,"retrievedPassages":20,"promptPassages":2},"timings":{"retrieveMs":3,"rerankMs":0,"generateMs":40,"firstTokenMs":12,"totalMs":45},"requestId":"r1"}


        """;

    [Fact]
    public async Task Ask_WritesEachTokenAsItArrives_ThenCitationsTimingsAndWarnings()
    {
        var body = new FeedStream();
        var (cli, gateway) = CliOver(body);
        body.Feed("event: token\ndata: {\"text\":\"Keys are hashed \"}\n\n");

        var run = cli.RunAsync("ask", "How are keys stored?", "--collection", "docs", "--gateway", "http://gateway.test", "--api-key", "rag_k");
        // The first token is on the terminal while the answer is still being written: nothing else has been sent yet.
        await WaitForAsync(() => cli.Out.Contains("Keys are hashed ", StringComparison.Ordinal));
        Assert.False(run.IsCompleted);
        body.Feed("event: token\ndata: {\"text\":\"[2].\"}\n\n");
        body.Feed(Citations.Replace("\r\n", "\n", StringComparison.Ordinal));
        body.Feed(Done.Replace("\r\n", "\n", StringComparison.Ordinal));
        body.End();
        var code = await run.WaitAsync(Bound);

        Assert.Equal(ExitCodes.Success, code);
        var output = cli.Out;
        Assert.StartsWith("Keys are hashed [2].\n", output, StringComparison.Ordinal);
        Assert.Contains("1 cited of 2 passages", output, StringComparison.Ordinal);
        // Listed in prompt order: [1] before [2]; the cited one marked, its snippet flattened.
        var first = output.IndexOf("[1]", StringComparison.Ordinal);
        var second = output.IndexOf("[2]", output.IndexOf("Citations", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(first > 0 && second > first, output);
        Assert.Matches(@"\*\s+\[2\]\s+guide\.md\s+Setup > Keys\s+10-60\s+Keys are stored hashed\.", output);
        Assert.Contains("first token 12 ms", output, StringComparison.Ordinal);
        Assert.Contains("degraded: rerank", cli.Error, StringComparison.Ordinal);
        Assert.Contains("FORGED", cli.Error, StringComparison.Ordinal);
        Assert.Contains("rag models pull", cli.Error, StringComparison.Ordinal);

        var request = Assert.Single(gateway.Requests);
        Assert.Equal("/v1/ask", request.Path);
        Assert.Equal("text/event-stream", request.Accept);
        Assert.Equal("Bearer rag_k", request.Authorization);
        using var sent = JsonDocument.Parse(request.Body!);
        Assert.Equal("docs", sent.RootElement.GetProperty("collection").GetString());
        Assert.Equal("hybrid", sent.RootElement.GetProperty("mode").GetString());
        Assert.False(sent.RootElement.TryGetProperty("topK", out _), "unset options must be left to the server");
        Assert.False(sent.RootElement.TryGetProperty("answer", out _), "unset options must be left to the server");
    }

    [Fact]
    public async Task Ask_AnswerExtractive_SentAndTheKindAndSkippedStagesPrinted()
    {
        var body = new FeedStream();
        var (cli, gateway) = CliOver(body);
        body.Feed("event: token\ndata: {\"text\":\"Keys are stored hashed. [1]\"}\n\n");
        body.Feed(Citations.Replace("\r\n", "\n", StringComparison.Ordinal));
        body.Feed("""
            event: done
            data: {"degraded":[],"noAnswer":false,"forgedModels":false,"finishReason":"stop","usage":{"promptTokens":0,"completionTokens":0,"retrievedPassages":20,"promptPassages":2},"timings":{"retrieveMs":3,"rerankMs":0,"generateMs":4,"firstTokenMs":9,"totalMs":10},"requestId":"r3","answerKind":"extractive","skipped":[{"stage":"rerank","reason":"the reranker's weights are forged"}]}


            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        body.End();

        var code = await cli.RunAsync("ask", "How are keys stored?", "--collection", "docs", "--answer", "extractive", "--gateway", "http://gateway.test").WaitAsync(Bound);

        Assert.Equal(ExitCodes.Success, code);
        using var sent = JsonDocument.Parse(Assert.Single(gateway.Requests).Body!);
        Assert.Equal("extractive", sent.RootElement.GetProperty("answer").GetString());
        Assert.Contains("Extractive answer", cli.Error, StringComparison.Ordinal);
        Assert.Contains("skipped: rerank — the reranker's weights are forged", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("FORGED", cli.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("summary")]
    [InlineData("EXTRACTIVE")]
    public async Task Ask_UnknownAnswerKind_UsageError(string kind)
    {
        var (cli, gateway) = CliOver(new FeedStream());

        var code = await cli.RunAsync("ask", "q", "--collection", "docs", "--answer", kind, "--gateway", "http://gateway.test").WaitAsync(Bound);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(gateway.Requests);
    }

    [Fact]
    public async Task Ask_ErrorEventMidStream_KeepsTheTextAndFailsWithTheProblem()
    {
        var body = new FeedStream();
        var (cli, _) = CliOver(body);
        body.Feed("event: token\ndata: {\"text\":\"Partial\"}\n\n");
        body.Feed("event: error\ndata: {\"status\":503,\"title\":\"Service unavailable\",\"detail\":\"The generator is down.\",\"requestId\":\"r9\"}\n\n");
        body.End();

        var code = await cli.RunAsync("ask", "q", "--collection", "docs", "--gateway", "http://gateway.test").WaitAsync(Bound);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("Partial\n", cli.Out);
        Assert.Contains("The generator is down.", cli.Error, StringComparison.Ordinal);
        Assert.Contains("r9", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_StreamEndsWithoutDone_Fails()
    {
        var body = new FeedStream();
        var (cli, _) = CliOver(body);
        body.Feed("event: token\ndata: {\"text\":\"Cut\"}\n\n");
        body.End();

        var code = await cli.RunAsync("ask", "q", "--collection", "docs", "--gateway", "http://gateway.test").WaitAsync(Bound);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("ended before the answer was complete", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_Json_PrintsOnlyTheJsonAnswerOnStdout()
    {
        using var home = new TemporaryDirectory();
        var gateway = new ScriptedGateway(_ => Task.FromResult(ScriptedGateway.Json(HttpStatusCode.OK, """
            {"answer":"Hashed é.","citations":[],"degraded":[],"noAnswer":false,"forgedModels":true,"finishReason":"stop",
             "usage":{"promptTokens":1,"completionTokens":1,"retrievedPassages":0,"promptPassages":0},
             "timings":{"retrieveMs":1,"rerankMs":1,"generateMs":1,"firstTokenMs":1,"totalMs":1},"requestId":"r2"}
            """)));
        var cli = new TestCli(new Dictionary<string, string> { [CliEnvironment.HomeVariable] = home.Path }, http: () => gateway);

        var code = await cli.RunAsync("ask", "q", "--collection", "docs", "--json", "--gateway", "http://gateway.test").WaitAsync(Bound);

        Assert.True(code == ExitCodes.Success, cli.Error);
        using var printed = JsonDocument.Parse(cli.Out);
        Assert.Equal("Hashed é.", printed.RootElement.GetProperty("answer").GetString());
        Assert.Equal("r2", printed.RootElement.GetProperty("requestId").GetString());
        Assert.Contains("é", cli.Out, StringComparison.Ordinal);
        Assert.Contains("FORGED", cli.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("event-stream", Assert.Single(gateway.Requests).Accept, StringComparison.Ordinal);
    }

    private static (TestCli Cli, ScriptedGateway Gateway) CliOver(FeedStream body)
    {
        var gateway = new ScriptedGateway(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
            return Task.FromResult(response);
        });
        var home = Path.Combine(Path.GetTempPath(), "rag-cli-tests-none");
        return (new TestCli(new Dictionary<string, string> { [CliEnvironment.HomeVariable] = home }, http: () => gateway), gateway);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
