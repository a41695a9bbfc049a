using System.Globalization;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Launcher;
using Spectre.Console;

namespace RagPlatform.Cli.Platform;

/// <summary>
/// Shows `rag up` progress: in a terminal a live table (service, port, pid, state) redrawn in place; elsewhere (a
/// log, a test, CI) one plain line per change, since redrawing would only print escape codes.
/// </summary>
internal sealed class StartupView : IProgress<ServiceUpdate>
{
    private readonly CliConsoles _consoles;
    private readonly Table _table = new Table().Border(TableBorder.Rounded).AddColumns("service", "port", "pid", "state");
    private readonly Dictionary<ServiceInstance, int> _rows = [];
    private readonly Lock _gate = new();
    private Action? _refresh;

    public StartupView(CliConsoles consoles, PlatformPlan plan)
    {
        _consoles = consoles;
        foreach (var service in plan.Services)
        {
            _rows[service.Instance] = _table.Rows.Count;
            _table.AddRow(service.Instance.Name, service.Port.ToString(CultureInfo.InvariantCulture), "", "[grey]waiting[/]");
        }
    }

    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (!_consoles.Interactive)
        {
            return await work();
        }

        return await _consoles.Error.Live(_table).AutoClear(false).StartAsync(async context =>
        {
            lock (_gate)
            {
                _refresh = context.Refresh;
            }

            return await work();
        });
    }

    public void Report(ServiceUpdate value)
    {
        var color = value.State switch
        {
            ServiceState.Ready or ServiceState.AlreadyRunning => "green",
            ServiceState.Failed => "red",
            _ => "yellow",
        };
        lock (_gate)
        {
            if (_refresh is { } refresh)
            {
                var row = _rows[value.Instance];
                _table.UpdateCell(row, 2, value.Pid?.ToString(CultureInfo.InvariantCulture) ?? "");
                _table.UpdateCell(row, 3, $"[{color}]{Markup.Escape(value.Detail)}[/]");
                refresh();
            }
            else
            {
                _consoles.Error.MarkupLine($"  {value.Instance.Name,-14} [{color}]{Markup.Escape(value.Detail)}[/]{(value.Pid is { } p ? $" [grey](pid {p})[/]" : "")}");
            }
        }
    }
}
