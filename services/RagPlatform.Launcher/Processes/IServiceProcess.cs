namespace RagPlatform.Launcher;

/// <summary>
/// A running service host: an attached child (<see cref="ServiceProcess"/>, output captured, ended with its owner) or a
/// detached one (<see cref="DetachedProcess"/>, its own session and log file, outliving whoever started it).
/// </summary>
public interface IServiceProcess : IAsyncDisposable
{
    int Pid { get; }

    /// <summary>False once it has exited (or its pid runs something else).</summary>
    bool IsRunning { get; }

    /// <summary>SIGTERM: a graceful shutdown.</summary>
    void Terminate();

    /// <summary>SIGKILL: gone at once, with no shutdown.</summary>
    void KillHard();

    /// <summary>True when it exited within <paramref name="timeout"/>.</summary>
    Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>The last lines it printed since it started: what to show when it fails.</summary>
    IReadOnlyList<string> OutputTail(int lines);
}

/// <summary>A service did not start, did not become ready in time, or exited; with the end of what it printed.</summary>
public sealed class PlatformLaunchException(string summary, ServiceInstance? instance, IReadOnlyList<string> outputTail, Exception? innerException = null)
    : Exception(outputTail.Count == 0 ? summary : $"{summary}\nIts last output:\n  {string.Join("\n  ", outputTail)}", innerException)
{
    /// <summary>The failure without the output.</summary>
    public string Summary { get; } = summary;

    /// <summary>The instance that failed, when one did (not for a plan refused before anything started).</summary>
    public ServiceInstance? Instance { get; } = instance;

    public IReadOnlyList<string> OutputTail { get; } = outputTail;
}
