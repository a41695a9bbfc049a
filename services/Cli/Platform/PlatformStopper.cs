namespace RagPlatform.Cli.Platform;

/// <summary>How one service was stopped.</summary>
internal enum StopOutcome
{
    /// <summary>It exited after SIGTERM, within the grace period.</summary>
    Terminated,

    /// <summary>It ignored SIGTERM past the grace period and was SIGKILLed.</summary>
    Killed,

    /// <summary>Even SIGKILL did not end it in time (it may be stuck in the kernel).</summary>
    StillRunning,
}

/// <summary>
/// Stops services: SIGTERM to all at once (the gateway first, so no new work arrives), wait up to the grace period
/// for each to drain and exit, then SIGKILL whatever is left.
/// </summary>
internal static class PlatformStopper
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyDictionary<string, StopOutcome>> StopAsync(
        IReadOnlyList<(PlatformService Service, int Pid)> running, TimeSpan grace, CancellationToken cancellationToken)
    {
        var ordered = running.OrderBy(r => r.Service.IsGateway ? 0 : r.Service.ModelFolder is null ? 1 : 2).ToList();
        foreach (var (_, pid) in ordered)
        {
            ProcessControl.Terminate(pid);
        }

        var outcomes = await Task.WhenAll(ordered.Select(async r =>
        {
            var dll = r.Service.AssemblyName + ".dll";
            if (await ProcessControl.WaitForExitAsync(r.Pid, dll, grace, cancellationToken))
            {
                return (r.Service.Name, StopOutcome.Terminated);
            }

            ProcessControl.KillHard(r.Pid);
            return (r.Service.Name, await ProcessControl.WaitForExitAsync(r.Pid, dll, KillWait, cancellationToken) ? StopOutcome.Killed : StopOutcome.StillRunning);
        }));
        return outcomes.ToDictionary(o => o.Name, o => o.Item2);
    }
}
