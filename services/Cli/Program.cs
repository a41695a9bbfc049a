using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Commands;
using RagPlatform.Cli.Evaluation;
using RagPlatform.Cli.Models;

// rag: the table of contents. Each command is one class under Commands/; `eval squad` scores with
// RagPlatform.Evaluation, `models pull` installs with RagPlatform.ModelStore, `models quantize/optimize`
// rewrite graphs with RagPlatform.OnnxGraph.
var context = CliContext.FromProcess();
var root = CliApp.CreateRoot(context,
    new UpCommand(context).Build(),
    new DownCommand(context).Build(),
    new StatusCommand(context).Build(),
    new IngestCommand(context).Build(),
    new AskCommand(context).Build(),
    CliApp.Group("eval", "Measure retrieval and answers on a benchmark.",
        new EvalSquadCommand(context, new SquadDatasetSource(), new SquadScoring()).Build()),
    CliApp.Group("models", "List, forge, pull, quantise and optimise the models the services load.",
        new ModelsListCommand(context).Build(),
        new ModelsForgeCommand(context).Build(),
        new ModelsPullCommand(context, new StoreModelPuller()).Build(),
        new ModelsQuantizeCommand(context).Build(),
        new ModelsOptimizeCommand(context).Build()));
return await CliApp.RunAsync(context, root, args);
