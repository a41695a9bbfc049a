using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Models;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <summary>`rag models pull [MODEL...] [--from DIR] [--models-dir DIR]`: installs real weights through <see cref="IModelPuller"/>.</summary>
internal sealed class ModelsPullCommand(CliContext context, IModelPuller puller)
{
    private readonly Argument<string[]> _models = new("model") { Description = "Models to pull (default: every model the platform serves).", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> _from = new("--from") { Description = "Install from a local directory (air-gapped machines) instead of the model hub." };
    private readonly Option<string?> _modelsDir = new("--models-dir") { Description = "Where to put the models (default: .models/real in the repository)." };

    public Command Build()
    {
        var command = new Command("pull", "Install real model weights: pinned revisions from the hub, sha256-verified and resumable, or --from a local copy.")
        {
            _models, _from, _modelsDir,
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
        return new ModelPullRequest(result.GetValue(_models) ?? [], target, result.GetValue(_from) is { } from ? context.Environment.FullPath(from) : null);
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
            context.Consoles.Out.MarkupLine($"[green]{Markup.Escape(model.Model)}[/] → {Markup.Escape(model.Directory)}{(model.Verified ? " [grey](sha256 verified)[/]" : "")}");
        }

        context.Consoles.Out.MarkupLine($"Start the platform on them with [bold]rag up --models {Markup.Escape(request.ModelsDirectory)}[/].");
        return ExitCodes.Success;
    }
}
