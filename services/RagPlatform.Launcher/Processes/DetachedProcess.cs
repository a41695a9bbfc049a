using System.Diagnostics;
using System.Globalization;

namespace RagPlatform.Launcher;

/// <summary>
/// A service host detached from whoever started it (`rag up`): in its own session (setsid), so Ctrl+C in a terminal
/// does not reach it and it outlives its starter; stdin from /dev/null, stdout and stderr appended to its log file.
/// Found again later by pid, as long as that pid still runs its host.
/// </summary>
public sealed class DetachedProcess : IServiceProcess
{
    /// <summary>Starts the section of a log that one start of the service appends (logs are kept across starts).</summary>
    public const string StartMarker = "=== starting ";

    // A shell does the redirection and reports the pid; because the background job is not a process-group leader,
    // setsid execs the host in place and the pid reported is the host's.
    private const string Script = "log=\"$1\"; shift; setsid \"$@\" >>\"$log\" 2>&1 </dev/null & echo $!";
    private readonly string _hostDll;

    private DetachedProcess(int pid, string hostDll, string logFile)
    {
        Pid = pid;
        _hostDll = hostDll;
        LogFile = logFile;
    }

    public int Pid { get; }

    public string LogFile { get; }

    public bool IsRunning => ProcessSignals.IsRunning(Pid, _hostDll);

    public static async Task<DetachedProcess> StartAsync(ServiceLaunch launch, string dotnet, string logFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (!File.Exists("/bin/sh"))
        {
            throw new PlatformNotSupportedException("Detached services are started through /bin/sh and setsid, which this system does not have.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        await File.AppendAllTextAsync(logFile,
            $"{Environment.NewLine}{StartMarker}{launch.Instance.Name} at {DateTimeOffset.Now:O} ==={Environment.NewLine}", cancellationToken);
        var contentRoot = Path.GetDirectoryName(launch.HostDll)!;
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", Script, "launch", logFile, dotnet, launch.HostDll, "--contentRoot", contentRoot })
        {
            start.ArgumentList.Add(argument);
        }

        DotnetHost.Apply(start, launch.Environment);
        using var shell = Process.Start(start) ?? throw new PlatformLaunchException($"Could not start /bin/sh to launch the {launch.Instance}.", launch.Instance, []);
        var output = await shell.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await shell.StandardError.ReadToEndAsync(cancellationToken);
        await shell.WaitForExitAsync(cancellationToken);
        if (shell.ExitCode != 0 || !int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new PlatformLaunchException($"Could not launch the {launch.Instance}: {errors.Trim()}".TrimEnd(':', ' '), launch.Instance, []);
        }

        return new DetachedProcess(pid, launch.HostDll, logFile);
    }

    /// <summary>The process <paramref name="pid"/> when it still runs <paramref name="hostDll"/>; else null (exited, or the pid was reused).</summary>
    public static DetachedProcess? Find(int pid, string hostDll, string logFile) =>
        ProcessSignals.IsRunning(pid, hostDll) ? new DetachedProcess(pid, hostDll, logFile) : null;

    public void Terminate() => ProcessSignals.Terminate(Pid);

    public void KillHard() => ProcessSignals.KillHard(Pid);

    public Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessSignals.WaitForExitAsync(Pid, _hostDll, timeout, cancellationToken);

    /// <summary>The end of its log from its latest start.</summary>
    public IReadOnlyList<string> OutputTail(int lines) => ReadLogTail(LogFile, lines);

    /// <summary>The last <paramref name="lines"/> non-empty lines of a service log since its latest start marker.</summary>
    public static IReadOnlyList<string> ReadLogTail(string logFile, int lines)
    {
        try
        {
            if (!File.Exists(logFile))
            {
                return [];
            }

            var all = File.ReadAllLines(logFile);
            var start = Array.FindLastIndex(all, l => l.StartsWith(StartMarker, StringComparison.Ordinal)) + 1;
            return [.. all.Skip(start).Where(l => l.Length > 0).TakeLast(lines)];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Nothing to release: the process is meant to outlive this handle.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => $"{Path.GetFileNameWithoutExtension(_hostDll)} (pid {Pid})";
}
