using System.CommandLine;
using System.Diagnostics;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Commands;

internal sealed record ModelsForgeOptions(string Size, bool Force);

/// <summary>`rag models forge`: runs scripts/forge-models.sh (test models of the real architectures with seeded random weights).</summary>
internal sealed class ModelsForgeCommand(CliContext context)
{
    private readonly Option<string> _size = new Option<string>("--size") { Description = "tiny (seconds; for tests) or real (published sizes; qwen2.5 is ~2 GB).", DefaultValueFactory = _ => "tiny" }.AcceptOnlyFromAmong("tiny", "real");
    private readonly Option<bool> _force = new("--force") { Description = "Forge again even if the recipe is unchanged." };

    public Command Build()
    {
        var command = new Command("forge", "Forge test models (real architectures, seeded random weights: their answers are noise) with scripts/forge-models.sh.") { _size, _force };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), cancellationToken));
        return command;
    }

    internal ModelsForgeOptions Bind(ParseResult result) => new(result.GetValue(_size)!, result.GetValue(_force));

    internal async Task<int> RunAsync(ModelsForgeOptions options, CancellationToken cancellationToken)
    {
        var repo = context.Environment.RepositoryRoot()
            ?? throw CliException.Unavailable("`rag models forge` runs scripts/forge-models.sh from a RagPlatform checkout, and rag is not in one.");
        var script = Path.Combine(repo, "scripts", "forge-models.sh");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = repo, UseShellExecute = false };
        foreach (var argument in new[] { script, "--size", options.Size }.Concat(options.Force ? ["--force"] : []))
        {
            start.ArgumentList.Add(argument);
        }

        // The script's own output (one line per model) goes straight to the terminal.
        using var process = Process.Start(start) ?? throw CliException.Failed("Could not start bash to run scripts/forge-models.sh.");
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw CliException.Failed($"scripts/forge-models.sh exited with {process.ExitCode}; its output above says why.");
        }

        context.Consoles.Info($"Forged models are in {Path.Combine(repo, ".models", "forged", options.Size)}. They are for tests: their answers are noise.");
        return ExitCodes.Success;
    }
}
