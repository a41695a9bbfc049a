using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RagPlatform.Grpc.Tests.Infrastructure;

namespace RagPlatform.Grpc.Tests.Interop;

/// <summary>Runs the grpc-js scripts of tests/node/grpc-interop as real processes.</summary>
internal static class NodeProcess
{
    /// <summary>Installs node_modules through the setup script when missing (so the suite runs alone on a fresh clone).</summary>
    public static async Task EnsureInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(RepoPaths.NodeInterop, "node_modules", "@grpc", "grpc-js")))
        {
            return;
        }

        var (exitCode, output) = await RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "setup", "grpc-interop.sh")], TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"scripts/setup/grpc-interop.sh failed ({exitCode}):\n{output}");
        }
    }

    /// <summary>Runs one client.js scenario and parses the JSON line it prints.</summary>
    public static async Task<JsonElement> RunScenarioAsync(string scenario, string target)
    {
        var (exitCode, output) = await RunAsync("node", ["client.js", "--target", target, "--scenario", scenario], TestTimeouts.Default);
        Assert.True(exitCode == 0, $"client.js {scenario} exited with {exitCode}:\n{output}");
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last(l => l.StartsWith('{'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Runs client.js in generic mode: one JSON line per response message, then the status.</summary>
    public static async Task<IReadOnlyList<JsonElement>> CallAsync(string target, string method, string jsonRequest)
    {
        var (exitCode, output) = await RunAsync("node", ["client.js", "--target", target, "--call", method, "--json", jsonRequest], TestTimeouts.Default);
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
            WorkingDirectory = RepoPaths.NodeInterop,
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
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = RepoPaths.NodeInterop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}.");
        }

        var output = new StringBuilder(await stdout).Append(await stderr).ToString();
        return (process.ExitCode, output);
    }
}
