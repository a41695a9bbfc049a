using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Commands;
using RagPlatform.Cli.Evaluation;
using RagPlatform.Cli.Models;

// rag: the table of contents. Each command is one class under Commands/; the seams for the evaluation library and
// the model store are the two constructor arguments marked below.
var context = CliContext.FromProcess();
var root = CliApp.CreateRoot(context,
    new UpCommand(context).Build(),
    new DownCommand(context).Build(),
    new StatusCommand(context).Build(),
    new IngestCommand(context).Build(),
    new AskCommand(context).Build(),
    CliApp.Group("eval", "Measure retrieval and answers on a benchmark.",
        new EvalSquadCommand(context, new SquadFile(), new SquadMetrics()).Build()), // seam: RagPlatform.Evaluation
    CliApp.Group("models", "List, forge and pull the models the services load.",
        new ModelsListCommand(context).Build(),
        new ModelsForgeCommand(context).Build(),
        new ModelsPullCommand(context, new StoreModelPuller()).Build())); // seam: RagPlatform.ModelStore
return await CliApp.RunAsync(context, root, args);
