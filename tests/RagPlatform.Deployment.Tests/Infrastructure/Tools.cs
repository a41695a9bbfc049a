using System.Diagnostics;
using System.ComponentModel;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>What a finished tool printed and returned.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>
/// Runs docker and kubectl with a deadline and extra environment variables, and says once per run whether each is
/// usable here, so the tests that need them skip with the reason instead of failing on a machine without them.
/// </summary>
public static class Tools
{
    private static readonly Lazy<string?> DockerUnavailable = new(() => Unavailable("docker",
        [(["info", "--format", "{{.ServerVersion}}"], "no Docker engine answers (`docker info` failed)"),
         (["compose", "version"], "the Docker Compose v2 plugin is missing (`docker compose version` failed)")]));

    private static readonly Lazy<string?> KubectlUnavailable = new(() => Unavailable("kubectl",
        [(["version", "--client"], "`kubectl version --client` failed")]));

    /// <summary>Why the compose stack cannot run here, or null when a Docker engine and Compose v2 are available.</summary>
    public static string? DockerSkipReason => DockerUnavailable.Value;

    /// <summary>Why manifests cannot be rendered with kubectl here, or null when it can.</summary>
    public static string? KubectlSkipReason => KubectlUnavailable.Value;

    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Testing.TestPaths.RepoRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    private static string? Unavailable(string tool, (string[] Arguments, string Reason)[] checks)
    {
        foreach (var (arguments, reason) in checks)
        {
            try
            {
                var result = RunAsync(tool, arguments, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                if (result.ExitCode != 0)
                {
                    var detail = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
                    return $"{reason}: {detail}";
                }
            }
            catch (Win32Exception)
            {
                return $"{tool} is not installed (not on PATH).";
            }
            catch (TimeoutException ex)
            {
                return ex.Message;
            }
        }

        return null;
    }
}

/// <summary>A fact that needs a Docker engine with Compose v2; skipped with the reason where there is none.</summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (Tools.DockerSkipReason is { } reason)
        {
            Skip = $"Needs a Docker engine: {reason}";
        }
    }
}

/// <summary>A theory that renders manifests with kubectl; skipped with the reason where kubectl is missing.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (Tools.KubectlSkipReason is { } reason)
        {
            Skip = $"Needs kubectl (for `kubectl kustomize`): {reason}";
        }
    }
}
