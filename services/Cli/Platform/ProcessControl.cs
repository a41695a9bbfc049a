using System.Runtime.InteropServices;

namespace RagPlatform.Cli.Platform;

/// <summary>
/// Signals and liveness for processes rag did not start in this run (the services outlive the `rag up` that made
/// them), so System.Diagnostics.Process cannot wait on them: liveness is polled. A pid counts as ours only while its
/// command line still names the service's host dll (or is mid-exec), so a recycled pid is never signalled.
/// </summary>
internal static partial class ProcessControl
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

    /// <summary>Asks the process to shut down (the host drains in-flight calls).</summary>
    public static void Terminate(int pid) => _ = Kill(pid, SigTerm);

    /// <summary>Ends the process at once.</summary>
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
