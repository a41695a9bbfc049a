using System.Diagnostics;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Platform;

/// <summary>
/// Starts the services stage by stage and waits until each is healthy, within one overall time bound. A pid file is
/// written the moment a service is launched, so `rag down` can stop it even if this run dies half-way.
/// </summary>
internal sealed class PlatformStarter(PlatformPlan plan, string dotnet, StartupView view, HealthProbe probe)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly Dictionary<string, int> _pids = [];

    /// <summary>The service whose start failed, once one has.</summary>
    public PlatformService? FailedService { get; private set; }

    /// <summary>The services launched so far, by name: what to stop when starting fails.</summary>
    public IReadOnlyList<(PlatformService Service, int Pid)> Launched =>
        [.. PlatformService.All.Where(s => _pids.ContainsKey(s.Name)).Select(s => (s, _pids[s.Name]))];

    /// <exception cref="CliException">A service exited or did not become healthy in time (the message names it and its log).</exception>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(plan.Home.LogDirectory);
        foreach (var stage in PlatformService.Stages)
        {
            foreach (var service in stage)
            {
                var pid = await ServiceLauncher.StartAsync(plan.Launch(service), dotnet, cancellationToken);
                _pids[service.Name] = pid;
                PlatformState.WritePid(plan.Home, service, pid);
                plan.Record(_pids).Write(plan.Home.PlatformFile);
                view.Starting(service, pid);
            }

            await Task.WhenAll(stage.Select(s => WaitHealthyAsync(s, _pids[s.Name], clock, timeout, cancellationToken)));
        }
    }

    private async Task WaitHealthyAsync(PlatformService service, int pid, Stopwatch clock, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        var last = "starting";
        var log = plan.Home.LogFile(service.Name);
        while (true)
        {
            if (!ProcessControl.IsRunning(pid, service.AssemblyName + ".dll"))
            {
                FailedService = service;
                view.Failed(service, pid, "exited");
                throw CliException.Failed($"The {service.Name} exited while starting.", $"Its log is {log}.");
            }

            var report = await probe.CheckAsync(service, plan.Ports.Url(service), cancellationToken);
            if (report.Healthy)
            {
                view.Healthy(service, pid, clock.Elapsed - started);
                return;
            }

            if (report.Detail != last)
            {
                last = report.Detail;
                view.Waiting(service, pid, last);
            }

            if (clock.Elapsed >= timeout)
            {
                FailedService = service;
                view.Failed(service, pid, $"not healthy ({last})");
                throw CliException.Failed($"The {service.Name} did not become healthy within {timeout.TotalSeconds:0} s (last: {last}).",
                    $"Its log is {log}; a slow machine or real-size models may need a longer --timeout.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
