using System.Runtime.InteropServices;

namespace RagPlatform.Launcher;

/// <summary>
/// Signals and liveness by pid, for processes this process may not own (a detached service outlives the `rag up` that
/// made it, so System.Diagnostics.Process cannot wait on it): liveness is polled. A pid counts as the service's only
/// while its command line still names the host dll (or is mid-exec), so a recycled pid is never signalled.
/// </summary>
public static partial class ProcessSignals
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>True when <paramref name="pid"/> is alive and runs <paramref name="hostDll"/>.</summary>
    public static bool IsRunning(int pid, string hostDll)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (Directory.Exists("/proc/self"))
        {
            try
            {
                // "pid (comm) S ...": a zombie (Z) or dead (X) process has exited even though its pid still exists.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var close = stat.LastIndexOf(')');
                if (close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X' or 'x')
                {
                    return false;
                }

                // While a process is in execve (the launcher's shell becoming setsid, then dotnet) its arguments are
                // briefly empty: that is the process starting, not a stranger. A recycled pid runs something else.
                var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
                return arguments.Length == 0 || arguments.Any(a => a.EndsWith(Path.GetFileName(hostDll), StringComparison.Ordinal));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }

        // Without /proc (macOS), fall back to "the pid exists".
        return Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess;
    }

    /// <summary>SIGTERM: the host's graceful shutdown (it drains in-flight calls), what Kubernetes and systemd send.</summary>
    /// <returns>False when the signal could not be sent (errno in Marshal.GetLastPInvokeError).</returns>
    public static bool Terminate(int pid) => Kill(pid, SigTerm) == 0;

    /// <summary>SIGKILL: the process dies at once, with no shutdown (a crash, an OOM kill).</summary>
    public static void KillHard(int pid) => _ = Kill(pid, SigKill);

    /// <summary>Polls until the process is gone; true when it went within <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, string hostDll, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsRunning(pid, hostDll))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// The process's resident memory (VmRSS in /proc/&lt;pid&gt;/status), or null once it has exited or off Linux: what
    /// a soak test watches for growth. Read from the kernel, so it costs the service nothing.
    /// </summary>
    public static long? ResidentMemoryBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                // "VmRSS:     123456 kB"
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = line.AsSpan(6).Trim();
                    return long.Parse(kilobytes[..kilobytes.IndexOf(' ')], provider: null) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Exited (or no procfs): no figure rather than a failure.
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
