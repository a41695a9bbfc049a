using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.OnnxGraph;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

internal sealed record ModelsOptimizeOptions(string Model, string? Out, bool Force);

/// <summary>`rag models optimize MODEL_DIR [--out DIR]`: a decoder copy whose LM head runs on the last position only (faster prefill).</summary>
internal sealed class ModelsOptimizeCommand(CliContext context)
{
    private readonly Argument<string> _model = new("model") { Description = "The generator's model directory (an Optimum / onnx-community export with past_key_values)." };
    private readonly Option<string?> _out = new("--out") { Description = "Output model directory (default: MODEL_DIR-optimized beside it)." };
    private readonly Option<bool> _force = new("--force") { Description = "Rewrite again even if the output is up to date." };

    public Command Build()
    {
        var command = new Command("optimize", "Write a copy of a generator whose LM head computes logits for the last position only ([batch, 1, vocabulary]): "
            + "a long prompt's first token comes sooner. External weights are linked, not copied.")
        {
            _model, _out, _force,
        };
        command.SetAction((result, cancellationToken) => Task.Run(() => Run(Bind(result), cancellationToken), cancellationToken));
        return command;
    }

    internal ModelsOptimizeOptions Bind(ParseResult result) => new(
        context.Environment.FullPath(result.GetValue(_model)!),
        result.GetValue(_out) is { } output ? context.Environment.FullPath(output) : null,
        result.GetValue(_force));

    internal int Run(ModelsOptimizeOptions options, CancellationToken cancellationToken)
    {
        DerivedModel result;
        try
        {
            result = ModelTransforms.OptimizePrefill(options.Model, options.Out, options.Force, cancellationToken);
        }
        catch (OnnxGraphException error)
        {
            throw CliException.Failed(error.Message);
        }

        context.Consoles.Out.MarkupLine($"[green]{Markup.Escape(result.Directory)}[/]: {Markup.Escape(result.Summary)}");
        if (result.Forged)
        {
            context.Consoles.Warn("The source is a forged model (random weights): so is its optimised copy.");
        }

        context.Consoles.Info($"Point the generator at it: Generator__ModelDirectory={result.Directory}.");
        return ExitCodes.Success;
    }
}
