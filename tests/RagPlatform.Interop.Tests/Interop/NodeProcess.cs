using System.Diagnostics;
using System.Text.Json;
using RagPlatform.Interop.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.Interop.Tests.Interop;

/// <summary>Runs the grpc-js scripts of tests/node/grpc-interop as real processes.</summary>
internal static class NodeProcess
{
    /// <summary>Installs node_modules through the setup script when missing (so the suite runs alone on a fresh clone).</summary>
    public static Task EnsureInstalledAsync() => TestAssets.EnsureGrpcInteropAsync();

    /// <summary>Runs one client.js scenario and parses the JSON line it prints.</summary>
    public static async Task<JsonElement> RunScenarioAsync(string scenario, string target)
    {
        var (exitCode, output) = await RunAsync("node", ["client.js", "--target", target, "--scenario", scenario], TestTimeouts.Default);
        Assert.True(exitCode == 0, $"client.js {scenario} exited with {exitCode}:\n{output}");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last(l => l.StartsWith('{'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Runs client.js in generic mode: one JSON line per response message, then the status.</summary>
    public static async Task<IReadOnlyList<JsonElement>> CallAsync(string target, string method, string jsonRequest, params string[] metadata)
    {
        string[] arguments = ["client.js", "--target", target, "--call", method, "--json", jsonRequest, .. metadata.SelectMany(m => new[] { "--metadata", m })];
        var (exitCode, output) = await RunAsync("node", arguments, TestTimeouts.Default);
        Assert.True(exitCode == 0, $"client.js --call {method} exited with {exitCode}:\n{output}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();
    }

    public static Process StartServer()
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestAssets.GrpcInteropDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("server.js");
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start node server.js.");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var result = await ExternalCommand.RunAsync(fileName, arguments, TestAssets.GrpcInteropDir, timeout);
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
