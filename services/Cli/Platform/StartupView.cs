using RagPlatform.Cli.CommandLine;
using Spectre.Console;

namespace RagPlatform.Cli.Platform;

/// <summary>
/// Shows `rag up` progress: in a terminal a live table (service, port, pid, state) redrawn in place; elsewhere (a
/// log, a test, CI) one plain line per change, since redrawing would only print escape codes.
/// </summary>
internal sealed class StartupView
{
    private readonly CliConsoles _consoles;
    private readonly Table _table = new Table().Border(TableBorder.Rounded).AddColumns("service", "port", "pid", "state");
    private readonly Dictionary<string, int> _rows = [];
    private readonly Lock _gate = new();
    private Action? _refresh;

    public StartupView(CliConsoles consoles, PortAssignment ports)
    {
        _consoles = consoles;
        foreach (var service in PlatformService.All)
        {
            _rows[service.Name] = _table.Rows.Count;
            _table.AddRow(service.Name, ports[service].ToString(System.Globalization.CultureInfo.InvariantCulture), "", "[grey]waiting[/]");
        }
    }

    public async Task RunAsync(Func<Task> work)
    {
        if (!_consoles.Interactive)
        {
            await work();
            return;
        }

        await _consoles.Error.Live(_table).AutoClear(false).StartAsync(async context =>
        {
            lock (_gate)
            {
                _refresh = context.Refresh;
            }

            await work();
        });
    }

    public void Starting(PlatformService service, int pid) => Show(service, pid, "starting", "yellow");

    public void Waiting(PlatformService service, int pid, string detail) => Show(service, pid, detail, "yellow");

    public void Healthy(PlatformService service, int pid, TimeSpan after) => Show(service, pid, $"healthy ({after.TotalSeconds:0.0} s)", "green");

    public void Failed(PlatformService service, int? pid, string detail) => Show(service, pid, detail, "red");

    private void Show(PlatformService service, int? pid, string state, string color)
    {
        lock (_gate)
        {
            if (_refresh is { } refresh)
            {
                var row = _rows[service.Name];
                _table.UpdateCell(row, 2, pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
                _table.UpdateCell(row, 3, $"[{color}]{Markup.Escape(state)}[/]");
                refresh();
            }
            else
            {
                _consoles.Error.MarkupLine($"  {service.Name,-12} [{color}]{Markup.Escape(state)}[/]{(pid is { } p ? $" [grey](pid {p})[/]" : "")}");
            }
        }
    }
}
