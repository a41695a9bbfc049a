using System.CommandLine;
using System.Globalization;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Models;
using RagPlatform.Launcher;
using RagPlatform.Cli.Platform;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <summary>`rag models list`: what each model service's folder holds (model, architecture, weight size, where it came from, forged or real).</summary>
internal sealed class ModelsListCommand(CliContext context)
{
    private readonly Option<string?> _modelsDir = new("--models-dir") { Description = $"Models directory (default ${CliEnvironment.ModelsVariable} or .models/forged/tiny)." };

    public Command Build()
    {
        var command = new Command("list", "Show what each model service's folder holds.") { _modelsDir };
        command.SetAction(result => Run(result.GetValue(_modelsDir)));
        return command;
    }

    internal int Run(string? modelsDir)
    {
        var root = ModelsLocation.Resolve(context.Environment, modelsDir);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("service", "folder", "model", "architecture", "weights", "source", "kind");
        var serviceFolders = PlatformServices.ModelServices.Select(s => (Service: s.Name, Folder: s.ModelFolder!)).ToList();
        IEnumerable<string> others = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().Where(f => serviceFolders.All(s => s.Folder != f)).Order(StringComparer.Ordinal)
            : [];
        var missing = 0;
        foreach (var (service, folder) in serviceFolders.Concat(others.Select(f => (Service: "-", Folder: f))))
        {
            var model = ModelDirectory.Read(Path.Combine(root, folder));
            missing += service != "-" && !model.Exists ? 1 : 0;
            table.AddRow(service, Markup.Escape(folder), Markup.Escape(model.ModelId ?? "-"), Markup.Escape(model.Architecture ?? "-"),
                model.OnnxBytes > 0 ? (model.OnnxBytes / 1048576.0).ToString("0.0 MB", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(model.Source), Kind(model));
        }

        context.Consoles.Out.MarkupLine($"Models in [bold]{Markup.Escape(root)}[/]");
        context.Consoles.Out.Write(table);
        if (missing > 0)
        {
            context.Consoles.Warn("Some services have no model here: `rag models forge` makes test models; `rag models pull` installs real ones.");
        }

        return missing == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string Kind(ModelDirectory model) => model switch
    {
        { Exists: false } => $"[red]{Markup.Escape(model.Problem ?? "missing")}[/]",
        { Problem: { } problem } => $"[red]{Markup.Escape(problem)}[/]",
        { Forged: true } => $"[yellow]forged[/] [grey]({Markup.Escape(model.ForgeSize ?? "?")}, seed {model.Seed?.ToString(CultureInfo.InvariantCulture) ?? "?"}; answers are noise)[/]",
        { Source: "incomplete" } => "[red]incomplete install[/] [grey](run `rag models pull` again)[/]",
        { Source: "unverified" } => "[yellow]unverified weights[/] [grey](not installed by `rag models pull`)[/]",
        _ => "[green]real weights[/]",
    };
}
