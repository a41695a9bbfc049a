using RagPlatform.Cli.CommandLine;
using Spectre.Console;

namespace RagPlatform.Cli.Evaluation;

/// <summary>Progress of the questions: a Spectre bar in a terminal, a line every tenth of the way elsewhere.</summary>
internal sealed class EvalView(CliConsoles consoles, int total)
{
    private ProgressTask? _task;
    private int _lastTenth = -1;

    public async Task RunAsync(Func<Task> work)
    {
        if (!consoles.Interactive)
        {
            await work();
            return;
        }

        await consoles.Error.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                _task = context.AddTask("questions", maxValue: Math.Max(total, 1));
                await work();
            });
    }

    public void Asked(int answered, int failed)
    {
        var done = answered + failed;
        var description = $"asked {done}/{total}" + (failed > 0 ? $" ({failed} failed)" : "");
        if (_task is not null)
        {
            _task.Value = done;
            _task.Description = description;
            return;
        }

        var tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth != _lastTenth)
        {
            _lastTenth = tenth;
            consoles.Info(description);
        }
    }
}
