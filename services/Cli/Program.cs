using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Commands;
using RagPlatform.Cli.Evaluation;
using RagPlatform.Cli.Models;

// rag: the table of contents. Each command is one class under Commands/; `eval squad` scores with
// RagPlatform.Evaluation and `models pull` installs with RagPlatform.ModelStore.
var context = CliContext.FromProcess();
var root = CliApp.CreateRoot(context,
    new UpCommand(context).Build(),
    new DownCommand(context).Build(),
    new StatusCommand(context).Build(),
    new IngestCommand(context).Build(),
    new AskCommand(context).Build(),
    CliApp.Group("eval", "Measure retrieval and answers on a benchmark.",
        new EvalSquadCommand(context, new SquadDatasetSource(), new SquadScoring()).Build()),
    CliApp.Group("models", "List, forge and pull the models the services load.",
        new ModelsListCommand(context).Build(),
        new ModelsForgeCommand(context).Build(),
        new ModelsPullCommand(context, new StoreModelPuller()).Build()));
return await CliApp.RunAsync(context, root, args);
