using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Platform;
using RagPlatform.Launcher;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

internal sealed record DownOptions(TimeSpan Grace);

/// <summary>`rag down`: SIGTERM every service `rag up` started, SIGKILL what is still running after the grace period.</summary>
internal sealed class DownCommand(CliContext context)
{
    private readonly Option<int> _timeout = new Option<int>("--timeout") { Description = "Seconds each service gets to shut down after SIGTERM before SIGKILL.", DefaultValueFactory = _ => 30 }.Positive();

    public Command Build()
    {
        var command = new Command("down", "Stop the services `rag up` started (SIGTERM, then SIGKILL after --timeout).") { _timeout };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), cancellationToken));
        return command;
    }

    internal DownOptions Bind(ParseResult result) => new(TimeSpan.FromSeconds(result.GetValue(_timeout)));

    internal async Task<int> RunAsync(DownOptions options, CancellationToken cancellationToken)
    {
        var home = RagHome.Require(context.Environment);
        await using var platform = PlatformState.Open(home, new LaunchSettings { LogDirectory = home.LogDirectory });
        var running = platform?.Running ?? [];
        if (platform is null || running.Count == 0)
        {
            PlatformState.Forget(home);
            context.Consoles.Info("RagPlatform is not running.");
            return ExitCodes.Success;
        }

        context.Consoles.Info($"Stopping {string.Join(", ", running.Select(r => r.Instance))} ...");
        var pids = running.ToDictionary(r => r.Instance, r => platform.Launcher[r.Instance]!.Pid);
        var outcomes = await platform.Launcher.StopAsync(options.Grace, cancellationToken);
        foreach (var (instance, pid) in pids)
        {
            context.Consoles.Out.MarkupLine(outcomes[instance] switch
            {
                StopOutcome.Terminated => $"  {instance.Name,-14} [green]stopped[/] [grey](pid {pid})[/]",
                StopOutcome.Killed => $"  {instance.Name,-14} [yellow]killed[/] [grey](pid {pid}; it ignored SIGTERM for {options.Grace.TotalSeconds:0} s)[/]",
                _ => $"  {instance.Name,-14} [red]still running[/] [grey](pid {pid}, even after SIGKILL)[/]",
            });
        }

        if (outcomes.Values.Any(o => o == StopOutcome.StillRunning))
        {
            throw CliException.Failed("Some services are still running.", $"Check them with `rag status`; their pids are in {home.PlatformFile}.");
        }

        PlatformState.Forget(home);
        context.Consoles.Out.MarkupLine("[green]RagPlatform stopped.[/] " + Markup.Escape($"(logs kept in {home.LogDirectory})"));
        return ExitCodes.Success;
    }
}
