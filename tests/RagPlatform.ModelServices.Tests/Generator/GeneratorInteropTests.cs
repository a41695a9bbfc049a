using System.Text.Json;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Generator;

/// <summary>grpc-js (an independent gRPC implementation) streams Generate from the real process.</summary>
[Trait("Category", "Interop")]
[Collection(GeneratorProcessCollection.Name)]
public sealed class GeneratorInteropTests(GeneratorProcessFixture generator)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GrpcJs_Generate_StreamsChunksAndFinalUsage()
    {
        var lines = await CallAsync("""{"prompt":"Hello there","max_new_tokens":4}""");

        var messages = lines.Where(l => l.TryGetProperty("message", out _)).Select(l => l.GetProperty("message")).ToList();
        Assert.Equal(0, lines[^1].GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal(4, messages.Sum(m => m.GetProperty("token_ids").GetArrayLength()));
        Assert.Equal("FINISH_REASON_LENGTH", messages[^1].GetProperty("finish_reason").GetString());
        Assert.Equal(4, messages[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task GrpcJs_Generate_BadTopP_InvalidArgument()
    {
        var lines = await CallAsync("""{"prompt":"Hello there","sampling":{"top_p":0}}""");

        var status = lines[^1].GetProperty("status");
        Assert.Equal(3, status.GetProperty("code").GetInt32());
        Assert.Contains("top_p", status.GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> CallAsync(string json)
    {
        await TestAssets.EnsureGrpcInteropAsync().WaitAsync(TimeSpan.FromMinutes(9));
        var result = await ExternalCommand.RunAsync("node",
            ["client.js", "--target", generator.Process.Target, "--call", "rag.v1.Generator/Generate", "--json", json, "--deadline-ms", "30000"],
            TestAssets.GrpcInteropDir, Bound);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.True(lines.Count > 0 && lines[^1].TryGetProperty("status", out _), $"{result.Command}: {result.StandardOutput}{result.StandardError}");
        return lines;
    }
}
