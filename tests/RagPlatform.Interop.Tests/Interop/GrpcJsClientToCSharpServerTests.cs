using System.Text.Json;
using RagPlatform.Interop.Tests.Infrastructure;

namespace RagPlatform.Interop.Tests.Interop;

/// <summary>@grpc/grpc-js (client.js, a real node process) calling our grpc-dotnet server with the platform's server defaults.</summary>
[Trait("Category", "Interop")]
[Collection(InteropCollection.Name)]
public sealed class GrpcJsClientToCSharpServerTests(InteropFixture fixture)
{
    private string Target => fixture.CSharpServer.Target;

    [Fact]
    public async Task Unary_Echoes()
    {
        var result = await Scenario("unary");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("hello from grpc-js", result.GetProperty("message").GetString());
        Assert.Equal("bytes", result.GetProperty("payload").GetString());
    }

    [Fact]
    public async Task ServerStreaming_DeliversAllInOrder()
    {
        var result = await Scenario("server-streaming");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(Enumerable.Range(0, 10), Ints(result, "indexes"));
    }

    [Fact]
    public async Task Error_NonAsciiMessage_ArrivesIntact()
    {
        var result = await Scenario("error-non-ascii");

        Assert.Equal(3, result.GetProperty("code").GetInt32());
        Assert.Equal("données invalides — 日本語", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Error_MidStream_MessagesThenStatus()
    {
        var result = await Scenario("error-mid-stream");

        Assert.Equal(10, result.GetProperty("code").GetInt32());
        Assert.Equal("stopped — 途中", result.GetProperty("details").GetString());
        Assert.Equal([0, 1, 2], Ints(result, "indexes"));
    }

    [Fact]
    public async Task HandlerCrash_IsUnknownWithGenericMessage()
    {
        var result = await Scenario("crash");

        Assert.Equal(2, result.GetProperty("code").GetInt32());
        Assert.Equal("Exception was thrown by handler.", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task Deadline_Exceeded_AndTheServerCancelsTheHandler()
    {
        var result = await Scenario("deadline");

        Assert.Equal(4, result.GetProperty("code").GetInt32());
        Assert.True(result.GetProperty("serverEnded").GetBoolean());
        Assert.True(result.GetProperty("serverCancelled").GetBoolean());
    }

    [Fact]
    public async Task Deadline_IsPropagatedToTheHandler()
    {
        var result = await Scenario("deadline-propagated");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.InRange(result.GetProperty("remainingMs").GetInt64(), 20_000, 30_000);
    }

    [Fact]
    public async Task Cancellation_UnaryIsObservedByTheServer()
    {
        var result = await Scenario("cancellation");

        Assert.Equal(1, result.GetProperty("code").GetInt32());
        Assert.True(result.GetProperty("serverCancelled").GetBoolean());
    }

    [Fact]
    public async Task Cancellation_StreamIsObservedByTheServer()
    {
        var result = await Scenario("stream-cancellation");

        Assert.Equal(1, result.GetProperty("code").GetInt32());
        Assert.True(result.GetProperty("serverCancelled").GetBoolean());
    }

    [Fact]
    public async Task Unimplemented_ServiceNotMapped()
    {
        var result = await Scenario("unimplemented");

        Assert.Equal(12, result.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Concurrency_HundredCallsOnOneConnection()
    {
        var result = await Scenario("concurrent-100");

        Assert.Equal([0], Ints(result, "codes"));
        Assert.True(result.GetProperty("inOrder").GetBoolean());
    }

    [Fact]
    public async Task SizeLimit_RequestOverServerLimit_ResourceExhausted()
    {
        var result = await Scenario("size-limit-request");

        Assert.Equal(8, result.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task SizeLimit_ResponseOverGrpcJsLimit_ResourceExhausted()
    {
        var result = await Scenario("size-limit-response");

        Assert.Equal(8, result.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Compression_GzipRequestIsDecompressed()
    {
        var result = await Scenario("compressed-request");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("gzip", result.GetProperty("requestEncoding").GetString());
        Assert.Equal(100_000, result.GetProperty("length").GetInt32());
    }

    [Fact]
    public async Task Compression_GzipResponsesAreReadByGrpcJs()
    {
        var result = await NodeProcess.RunScenarioAsync("compressed-response", fixture.CSharpGzipServer.Target).DefaultTimeout();

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(100_000, result.GetProperty("payloadLength").GetInt32());
        Assert.Equal(0, result.GetProperty("streamCode").GetInt32());
        Assert.Equal(Enumerable.Repeat(10_000, 5), Ints(result, "streamPayloads"));
    }

    [Fact]
    public async Task Metadata_AsciiAndBinary_EchoedInHeadersAndTrailers()
    {
        var result = await Scenario("metadata");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("acme", result.GetProperty("replyMetadata").GetProperty("x-meta-tenant").GetString());
        Assert.Equal("AAEC/w==", result.GetProperty("replyMetadata").GetProperty("x-meta-blob-bin").GetString());
        Assert.Equal("acme", result.GetProperty("headers").GetProperty("x-meta-tenant").GetString());
        Assert.Equal("AAEC/w==", result.GetProperty("headers").GetProperty("x-meta-blob-bin").GetString());
        Assert.Equal("acme", result.GetProperty("trailers").GetProperty("x-trailer-tenant").GetString());
        Assert.Equal("AAEC/w==", result.GetProperty("trailers").GetProperty("x-trailer-blob-bin").GetString());
    }

    [Fact]
    public async Task Health_Check()
    {
        var result = await Scenario("health-check");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("SERVING", result.GetProperty("status").GetString());
        Assert.Equal(5, result.GetProperty("unknownCode").GetInt32());
    }

    [Fact]
    public async Task Health_Watch_SeesEachChange()
    {
        var result = await Scenario("health-watch");

        Assert.Equal(["SERVICE_UNKNOWN", "SERVING", "NOT_SERVING"], result.GetProperty("statuses").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(1, result.GetProperty("endCode").GetInt32());
    }

    [Fact]
    public async Task GenericClient_CallsAnyMethodByName()
    {
        var lines = await NodeProcess.CallAsync(Target, "grpc.health.v1.Health/Check", """{"service":""}""").DefaultTimeout();

        Assert.Equal("SERVING", lines[0].GetProperty("message").GetProperty("status").GetString());
        Assert.Equal(0, lines[^1].GetProperty("status").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Reflection_ListsOurServicesAndCallsOneByName()
    {
        var result = await Scenario("reflection");

        var services = result.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("ragtest.v1.InteropTest", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Equal(["Echo", "StreamNumbers", "GetCallRecord", "SetHealth"], result.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("found by reflection", result.GetProperty("message").GetString());
    }

    [Fact]
    public async Task SharedToken_RequiredByTheServiceNotByHealth()
    {
        var target = fixture.CSharpTokenServer.Target;

        var without = await NodeProcess.CallAsync(target, "ragtest.v1.InteropTest/Echo", """{"message":"no token"}""").DefaultTimeout();
        var wrong = await NodeProcess.CallAsync(target, "ragtest.v1.InteropTest/Echo", """{"message":"wrong"}""", "authorization=Bearer not-the-token-at-all-0000").DefaultTimeout();
        var with = await NodeProcess.CallAsync(target, "ragtest.v1.InteropTest/Echo", """{"message":"with token"}""", $"authorization=Bearer {InteropFixture.SharedToken}").DefaultTimeout();
        var health = await NodeProcess.CallAsync(target, "grpc.health.v1.Health/Check", """{"service":""}""").DefaultTimeout();

        Assert.Equal(16, without[^1].GetProperty("status").GetProperty("code").GetInt32());
        Assert.Contains("Grpc:SharedToken", without[^1].GetProperty("status").GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Equal(16, wrong[^1].GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal("with token", with[0].GetProperty("message").GetProperty("message").GetString());
        Assert.Equal(0, health[^1].GetProperty("status").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task CancellationsAndDeadlines_AreNotLoggedAsErrors()
    {
        await Scenario("cancellation");
        await Scenario("stream-cancellation");
        await Scenario("deadline");

        // The only Error entries allowed are the crash scenario's deliberate exception.
        Assert.All(fixture.CSharpServer.Logs.Errors, e => Assert.IsType<InvalidOperationException>(e.Exception));
    }

    private Task<JsonElement> Scenario(string name) => NodeProcess.RunScenarioAsync(name, Target).DefaultTimeout();

    private static IEnumerable<int> Ints(JsonElement result, string property) =>
        result.GetProperty(property).EnumerateArray().Select(e => e.GetInt32()).ToList();
}
