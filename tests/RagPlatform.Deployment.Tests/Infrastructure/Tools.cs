using System.ComponentModel;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Infrastructure;

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

    public static Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        ExternalCommand.RunAsync(fileName, arguments, workingDirectory ?? TestPaths.RepoRoot, timeout, environment);

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
