using System.Diagnostics;

namespace RagPlatform.Launcher;

/// <summary>How a launcher runs processes.</summary>
public sealed record LaunchSettings
{
    /// <summary>
    /// Null (tests, benchmarks): attached children, output captured, killed when the launcher is disposed. A directory
    /// (`rag up`): detached processes that outlive the launcher, each appending to &lt;directory&gt;/&lt;instance&gt;.log.
    /// </summary>
    public string? LogDirectory { get; init; }

    public string Dotnet { get; init; } = DotnetHost.Path;

    /// <summary>Bound on one service becoming ready when it is started on its own (<see cref="PlatformLauncher.StartAsync"/>).</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Hears every change of a service's state while the launcher starts or waits for it.</summary>
    public IProgress<ServiceUpdate>? Progress { get; init; }
}

public enum ServiceState
{
    /// <summary>Launched; <see cref="ServiceUpdate.Pid"/> is known from here on.</summary>
    Starting,

    /// <summary>Running, not ready yet; the detail says what it reports.</summary>
    Waiting,

    Ready,

    /// <summary>Was already running and ready: left alone.</summary>
    AlreadyRunning,

    Failed,
}

public sealed record ServiceUpdate(ServiceInstance Instance, ServiceState State, int? Pid, string Detail);

/// <summary>How one process was stopped.</summary>
public enum StopOutcome
{
    /// <summary>It exited after SIGTERM, within the grace period.</summary>
    Terminated,

    /// <summary>It ignored SIGTERM past the grace period and was SIGKILLed.</summary>
    Killed,

    /// <summary>Even SIGKILL did not end it in time (it may be stuck in the kernel).</summary>
    StillRunning,
}

/// <summary>A planned process now: whether it runs and what its health check says.</summary>
public sealed record ServiceStatus(ServiceLaunch Launch, int? Pid, bool Running, HealthReport Health);

/// <summary>
/// Runs a <see cref="PlatformPlan"/>: starts what is not running stage by stage and waits until each is ready
/// (<see cref="UpAsync"/>, like `docker compose up`), reports each process's health, kills or restarts one, and stops
/// all. Processes of an earlier run (detached, found by pid) are adopted and treated like its own.
/// </summary>
public sealed class PlatformLauncher(PlatformPlan plan, LaunchSettings? settings = null) : IAsyncDisposable
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private readonly LaunchSettings _settings = settings ?? new LaunchSettings();
    private readonly Dictionary<ServiceInstance, IServiceProcess> _processes = [];
    private readonly ReadinessProbe _probe = new();
    private readonly Lock _gate = new();

    public PlatformPlan Plan { get; } = plan;

    /// <summary>The process of <paramref name="instance"/>, once started or adopted (it may have exited since).</summary>
    public IServiceProcess? this[ServiceInstance instance]
    {
        get
        {
            lock (_gate)
            {
                return _processes.GetValueOrDefault(instance);
            }
        }
    }

    /// <summary>Takes on a process an earlier run started (`rag up` finds them by pid).</summary>
    public void Adopt(ServiceInstance instance, IServiceProcess process)
    {
        _ = Plan[instance];
        lock (_gate)
        {
            _processes[instance] = process;
        }
    }

    /// <summary>
    /// Brings every planned process up: those running are left alone (and waited for if not ready yet), the others
    /// (never started, exited, killed) are started, stage by stage, each stage once the one before is ready. Ports of
    /// the processes to start are checked free before anything starts.
    /// </summary>
    /// <returns>The instances this call started.</returns>
    /// <exception cref="PlatformLaunchException">A port is taken, or a process exited or was not ready within <paramref name="timeout"/>.</exception>
    public async Task<IReadOnlyList<ServiceInstance>> UpAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var toStart = Plan.Services.Where(s => this[s.Instance] is not { IsRunning: true }).ToList();
        if (toStart.Where(s => !PlatformPlan.IsPortFree(s.Port)).ToList() is { Count: > 0 } taken)
        {
            throw new PlatformLaunchException(
                $"Port {string.Join(", ", taken.Select(s => $"{s.Port} (for the {s.Instance})"))} is in use.", null, []);
        }

        var clock = Stopwatch.StartNew();
        var started = new List<ServiceInstance>();
        foreach (var stage in PlatformServices.Stages)
        {
            var launches = Plan.Services.Where(s => stage.Contains(s.Instance.Service)).ToList();
            foreach (var launch in launches.Where(toStart.Contains))
            {
                await LaunchAsync(launch, cancellationToken);
                started.Add(launch.Instance);
            }

            await Task.WhenAll(launches.Select(launch =>
                WaitReadyAsync(launch, wasRunning: !toStart.Contains(launch), timeout - clock.Elapsed, cancellationToken)));
        }

        return started;
    }

    /// <summary>Starts <paramref name="instance"/> (again, on its planned port) and waits until it is ready.</summary>
    public async Task<IServiceProcess> StartAsync(ServiceInstance instance, CancellationToken cancellationToken = default)
    {
        var launch = Plan[instance];
        var process = await LaunchAsync(launch, cancellationToken);
        await WaitReadyAsync(launch, wasRunning: false, _settings.ReadyTimeout, cancellationToken);
        return process;
    }

    /// <summary>SIGKILLs <paramref name="instance"/> (a crash) and waits until it is gone.</summary>
    public async Task KillAsync(ServiceInstance instance, CancellationToken cancellationToken = default)
    {
        if (this[instance] is { } process)
        {
            process.KillHard();
            if (!await process.WaitForExitAsync(KillWait, cancellationToken))
            {
                throw new PlatformLaunchException($"The {instance} (pid {process.Pid}) still runs {KillWait.TotalSeconds:0} s after SIGKILL.", instance, []);
            }
        }
    }

    /// <summary>Kills <paramref name="instance"/> and starts it again where it was.</summary>
    public async Task<IServiceProcess> RestartAsync(ServiceInstance instance, CancellationToken cancellationToken = default)
    {
        await KillAsync(instance, cancellationToken);
        return await StartAsync(instance, cancellationToken);
    }

    /// <summary>Every planned process: its pid, whether it runs and, for those that do, its health.</summary>
    public async Task<IReadOnlyList<ServiceStatus>> StatusAsync(CancellationToken cancellationToken)
    {
        return await Task.WhenAll(Plan.Services.Select(async launch =>
        {
            var process = this[launch.Instance];
            var running = process is { IsRunning: true };
            var health = running ? await _probe.CheckAsync(launch, cancellationToken) : new HealthReport(false, "-");
            return new ServiceStatus(launch, process?.Pid, running, health);
        }));
    }

    /// <summary>
    /// SIGTERM to every running process at once (gateways first, so no new work arrives), up to <paramref name="grace"/>
    /// for each to drain and exit, then SIGKILL for what is left.
    /// </summary>
    /// <param name="only">Stop only these (what a failed start had started); null: all.</param>
    public async Task<IReadOnlyDictionary<ServiceInstance, StopOutcome>> StopAsync(TimeSpan grace, CancellationToken cancellationToken,
        IReadOnlyCollection<ServiceInstance>? only = null)
    {
        var running = Plan.Services.Select(s => (s.Instance, Process: this[s.Instance]))
            .Where(r => r.Process is { IsRunning: true } && (only is null || only.Contains(r.Instance)))
            .OrderByDescending(r => r.Instance.Service)
            .ToList();
        foreach (var (_, process) in running)
        {
            process!.Terminate();
        }

        var outcomes = await Task.WhenAll(running.Select(async r =>
        {
            if (await r.Process!.WaitForExitAsync(grace, cancellationToken))
            {
                return (r.Instance, StopOutcome.Terminated);
            }

            r.Process.KillHard();
            return (r.Instance, await r.Process.WaitForExitAsync(KillWait, cancellationToken) ? StopOutcome.Killed : StopOutcome.StillRunning);
        }));
        return outcomes.ToDictionary(o => o.Instance, o => o.Item2);
    }

    /// <summary>Attached processes end with the launcher; detached ones keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        List<IServiceProcess> processes;
        lock (_gate)
        {
            processes = [.. _processes.Values];
        }

        foreach (var process in processes.AsEnumerable().Reverse())
        {
            await process.DisposeAsync();
        }

        _probe.Dispose();
    }

    private async Task<IServiceProcess> LaunchAsync(ServiceLaunch launch, CancellationToken cancellationToken)
    {
        IServiceProcess process = _settings.LogDirectory is { } logs
            ? await DetachedProcess.StartAsync(launch, _settings.Dotnet, Path.Combine(logs, launch.Instance.Name + ".log"), cancellationToken)
            : ServiceProcess.Launch(new ServiceProcessOptions(launch.HostDll, launch.Instance.Service.HealthService)
            {
                Environment = launch.Environment,
                Dotnet = _settings.Dotnet,
            });
        IServiceProcess? previous;
        lock (_gate)
        {
            previous = _processes.GetValueOrDefault(launch.Instance);
            _processes[launch.Instance] = process;
        }

        if (previous is not null)
        {
            await previous.DisposeAsync();
        }

        Report(launch.Instance, ServiceState.Starting, process.Pid, "starting");
        return process;
    }

    private async Task WaitReadyAsync(ServiceLaunch launch, bool wasRunning, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = this[launch.Instance]!;
        var clock = Stopwatch.StartNew();
        try
        {
            await _probe.WaitAsync(process, launch.Instance.Name, launch.Url, launch.Instance.Service.HealthService, r => r.Healthy, timeout,
                report => Report(launch.Instance, ServiceState.Waiting, process.Pid, report.Detail), cancellationToken, launch.Instance);
        }
        catch (PlatformLaunchException ex)
        {
            Report(launch.Instance, ServiceState.Failed, process.Pid, process.IsRunning ? "not ready" : "exited");
            throw new PlatformLaunchException(ex.Summary, launch.Instance, ex.OutputTail);
        }

        Report(launch.Instance, wasRunning ? ServiceState.AlreadyRunning : ServiceState.Ready, process.Pid,
            wasRunning ? "running" : $"ready ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private void Report(ServiceInstance instance, ServiceState state, int? pid, string detail) =>
        _settings.Progress?.Report(new ServiceUpdate(instance, state, pid, detail));
}
