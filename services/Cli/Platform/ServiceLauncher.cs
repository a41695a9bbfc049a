using System.Diagnostics;
using System.Globalization;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Platform;

/// <summary>What one service is started with.</summary>
internal sealed record ServiceLaunch(PlatformService Service, string HostDll, int Port, string LogFile, IReadOnlyDictionary<string, string?> Environment);

/// <summary>
/// Starts a service host detached from rag: in its own session (setsid), so Ctrl+C in rag's terminal does not reach
/// it and it outlives rag; stdin from /dev/null, stdout and stderr appended to its log file. A shell does the
/// redirection and reports the pid; because the background job is not a process-group leader, setsid execs the host
/// in place and the pid reported is the host's.
/// </summary>
internal static class ServiceLauncher
{
    private const string Script = "log=\"$1\"; shift; setsid \"$@\" >>\"$log\" 2>&1 </dev/null & echo $!";

    public static async Task<int> StartAsync(ServiceLaunch launch, string dotnet, CancellationToken cancellationToken)
    {
        if (!File.Exists("/bin/sh"))
        {
            throw CliException.Failed("rag up starts services through /bin/sh and setsid, which this system does not have.");
        }

        await File.AppendAllTextAsync(launch.LogFile,
            $"{Environment.NewLine}{LogTail.StartMarker}{launch.Service.Name} at {DateTimeOffset.Now:O} ==={Environment.NewLine}", cancellationToken);
        var contentRoot = Path.GetDirectoryName(launch.HostDll)!;
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Script, "rag-up", launch.LogFile, dotnet, launch.HostDll, "--contentRoot", contentRoot })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launch.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var shell = Process.Start(start) ?? throw CliException.Failed($"Could not start /bin/sh to launch {launch.Service.Name}.");
        var output = await shell.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await shell.StandardError.ReadToEndAsync(cancellationToken);
        await shell.WaitForExitAsync(cancellationToken);
        if (shell.ExitCode != 0 || !int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw CliException.Failed($"Could not launch {launch.Service.Name}: {errors.Trim()}".TrimEnd(':', ' '));
        }

        return pid;
    }
}
