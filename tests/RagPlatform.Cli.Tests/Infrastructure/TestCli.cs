using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Commands;
using RagPlatform.Cli.Evaluation;
using RagPlatform.Cli.Models;
using Spectre.Console;

namespace RagPlatform.Cli.Tests.Infrastructure;

/// <summary>
/// rag in-process: the same commands Program.cs wires, over consoles that write to strings and an environment and
/// HTTP handler the test chooses (no real variables, no sockets unless the test wants them).
/// </summary>
internal sealed class TestCli
{
    private readonly LockedStringWriter _out = new();
    private readonly LockedStringWriter _error = new();

    public TestCli(IReadOnlyDictionary<string, string>? variables = null, string? currentDirectory = null, Func<HttpMessageHandler>? http = null)
    {
        var environment = new CliEnvironment(variables ?? new Dictionary<string, string>(), currentDirectory ?? Path.GetTempPath(), AppContext.BaseDirectory);
        // Redirected consoles: plain text, as rag writes to a pipe or file.
        Context = new CliContext(environment, new CliConsoles(CliConsoles.Create(_out, redirected: true), CliConsoles.Create(_error, redirected: true)),
            new GlobalOptions(), http ?? (() => throw new InvalidOperationException("This test gives rag no HTTP.")));
        Up = new UpCommand(Context);
        Ingest = new IngestCommand(Context);
        Ask = new AskCommand(Context);
        EvalSquad = new EvalSquadCommand(Context, new SquadDatasetSource(), new SquadScoring());
        ModelsForge = new ModelsForgeCommand(Context);
        ModelsPull = new ModelsPullCommand(Context, new StoreModelPuller());
        ModelsQuantize = new ModelsQuantizeCommand(Context);
        Root = CliApp.CreateRoot(Context,
            Up.Build(), new DownCommand(Context).Build(), new StatusCommand(Context).Build(), Ingest.Build(), Ask.Build(),
            CliApp.Group("eval", "", EvalSquad.Build()),
            CliApp.Group("models", "", new ModelsListCommand(Context).Build(), ModelsForge.Build(), ModelsPull.Build(), ModelsQuantize.Build(),
                new ModelsOptimizeCommand(Context).Build()));
    }

    public CliContext Context { get; }

    public RootCommand Root { get; }

    public UpCommand Up { get; }

    public IngestCommand Ingest { get; }

    public AskCommand Ask { get; }

    public EvalSquadCommand EvalSquad { get; }

    public ModelsForgeCommand ModelsForge { get; }

    public ModelsPullCommand ModelsPull { get; }

    public ModelsQuantizeCommand ModelsQuantize { get; }

    public string Out => _out.ToString();

    public string Error => _error.ToString();

    public ParseResult Parse(params string[] args) => Root.Parse(args);

    public Task<int> RunAsync(params string[] args) => CliApp.RunAsync(Context, Root, args);
}
