using RagPlatform.Cli.CommandLine;
using Spectre.Console;

namespace RagPlatform.Cli.Ingestion;

/// <summary>
/// `rag ingest` progress: in a terminal two Spectre progress bars (uploaded, finished indexing); elsewhere a plain
/// line whenever the counts change.
/// </summary>
internal sealed class IngestView(CliConsoles consoles, int total)
{
    private readonly Lock _gate = new();
    private ProgressTask? _upload;
    private ProgressTask? _index;
    private string _lastLine = "";

    public async Task RunAsync(Func<Task> work)
    {
        if (!consoles.Interactive)
        {
            await work();
            return;
        }

        await consoles.Error.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                lock (_gate)
                {
                    _upload = context.AddTask("upload", maxValue: total);
                    _index = context.AddTask("index", maxValue: total);
                }

                await work();
            });
    }

    public void Uploaded(int done, int failed) => Report(_upload, done + failed, $"uploaded {done}/{total}" + (failed > 0 ? $", {failed} refused" : ""));

    public void Indexing(int indexed, int failed, int pending) =>
        Report(_index, indexed + failed, $"indexed {indexed}/{total}" + (failed > 0 ? $", {failed} failed" : "") + (pending > 0 ? $", {pending} in progress" : ""));

    private void Report(ProgressTask? task, int value, string description)
    {
        lock (_gate)
        {
            if (task is not null)
            {
                task.Value = value;
                task.Description = description;
            }
            else if (description != _lastLine)
            {
                _lastLine = description;
                consoles.Info(description);
            }
        }
    }
}
