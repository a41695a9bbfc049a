using System.CommandLine;
using System.Globalization;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Platform;
using RagPlatform.Launcher;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <summary>
/// `rag status`: each process's pid, port, process state and health. Exit code 0 when every one runs and is healthy,
/// 3 when none runs, 1 when some are down or unhealthy (`rag up` starts those again).
/// </summary>
internal sealed class StatusCommand(CliContext context)
{
    public Command Build()
    {
        var command = new Command("status", "Show each service's pid, port and health (exit 0 all healthy, 3 not running, 1 partly down).");
        command.SetAction((_, cancellationToken) => RunAsync(cancellationToken));
        return command;
    }

    internal async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var home = RagHome.Require(context.Environment);
        await using var platform = PlatformState.Open(home, new LaunchSettings { LogDirectory = home.LogDirectory });
        if (platform is null || platform.Running.Count == 0)
        {
            context.Consoles.Out.MarkupLine("RagPlatform is [yellow]not running[/]. Start it with [bold]rag up[/].");
            return ExitCodes.Unavailable;
        }

        var statuses = await platform.Launcher.StatusAsync(cancellationToken);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("service", "pid", "port", "process", "health");
        foreach (var status in statuses)
        {
            var health = Markup.Escape(status.Health.Detail);
            table.AddRow(
                status.Launch.Instance.Name,
                status.Running ? status.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-" : "-",
                status.Launch.Port.ToString(CultureInfo.InvariantCulture),
                status.Running ? "[green]running[/]" : "[red]stopped[/]",
                status.Health.Healthy ? $"[green]{health}[/]" : $"[red]{health}[/]");
        }

        context.Consoles.Out.Write(table);
        context.Consoles.Out.MarkupLine($"gateway {Markup.Escape(platform.Record.GatewayUrl)}  [grey](logs: {Markup.Escape(home.LogDirectory)})[/]");
        if (statuses.Any(s => !s.Running))
        {
            context.Consoles.Info("Start what is stopped with `rag up`; it leaves the running services alone.");
        }

        return statuses.All(s => s.Health.Healthy) ? ExitCodes.Success : ExitCodes.Failed;
    }
}
