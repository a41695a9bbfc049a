using System.CommandLine;
using System.Globalization;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Platform;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <summary>
/// `rag status`: each service's pid, port, process state and health. Exit code 0 when every service runs and is
/// healthy, 3 when none runs, 1 when some are down or unhealthy.
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
        var known = PlatformState.Read(home);
        if (known.All(s => !s.Alive))
        {
            context.Consoles.Out.MarkupLine("RagPlatform is [yellow]not running[/]. Start it with [bold]rag up[/].");
            return ExitCodes.Unavailable;
        }

        using var probe = new HealthProbe();
        var reports = await Task.WhenAll(known.Select(async s => s.Alive && s.Url is { } url
            ? await probe.CheckAsync(s.Service, url, cancellationToken)
            : new HealthReport(false, "-")));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("service", "pid", "port", "process", "health");
        for (var i = 0; i < known.Count; i++)
        {
            var service = known[i];
            table.AddRow(
                service.Service.Name,
                service.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                service.Port?.ToString(CultureInfo.InvariantCulture) ?? "-",
                service.Alive ? "[green]running[/]" : "[red]stopped[/]",
                reports[i].Healthy ? $"[green]{Markup.Escape(reports[i].Detail)}[/]" : $"[red]{Markup.Escape(reports[i].Detail)}[/]");
        }

        context.Consoles.Out.Write(table);
        if (PlatformState.ReadRecord(home) is { } record)
        {
            context.Consoles.Out.MarkupLine($"gateway {Markup.Escape(record.GatewayUrl)}  [grey](logs: {Markup.Escape(home.LogDirectory)})[/]");
        }

        return reports.All(r => r.Healthy) ? ExitCodes.Success : ExitCodes.Failed;
    }
}
