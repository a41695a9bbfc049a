using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.OnnxGraph;
using RagPlatform.OnnxGraph.Quantization;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

internal sealed record ModelsQuantizeOptions(string Model, string? Out, WeightGranularity Granularity, bool Force);

/// <summary>`rag models quantize MODEL_DIR [--out DIR]`: a dynamically quantised int8 copy of an embedder or cross-encoder.</summary>
internal sealed class ModelsQuantizeCommand(CliContext context)
{
    private readonly Argument<string> _model = new("model") { Description = "The model directory to quantise (transformers.js / Optimum layout: config.json, onnx/model.onnx)." };
    private readonly Option<string?> _out = new("--out") { Description = "Output model directory (default: MODEL_DIR-int8 beside it)." };
    private readonly Option<string> _granularity = new Option<string>("--granularity") { Description = "One int8 scale per output channel (default, more accurate) or per weight tensor.", DefaultValueFactory = _ => "per-channel" }.AcceptOnlyFromAmong("per-channel", "per-tensor");
    private readonly Option<bool> _force = new("--force") { Description = "Quantise again even if the output is up to date." };

    public Command Build()
    {
        var command = new Command("quantize", "Write a dynamically quantised int8 copy of an embedder or cross-encoder (onnx/model_quantized.onnx, dtype q8).")
        {
            _model, _out, _granularity, _force,
        };
        command.SetAction((result, cancellationToken) => Task.Run(() => Run(Bind(result), cancellationToken), cancellationToken));
        return command;
    }

    internal ModelsQuantizeOptions Bind(ParseResult result) => new(
        context.Environment.FullPath(result.GetValue(_model)!),
        result.GetValue(_out) is { } output ? context.Environment.FullPath(output) : null,
        result.GetValue(_granularity) == "per-tensor" ? WeightGranularity.PerTensor : WeightGranularity.PerChannel,
        result.GetValue(_force));

    internal int Run(ModelsQuantizeOptions options, CancellationToken cancellationToken)
    {
        DerivedModel result;
        try
        {
            result = ModelTransforms.Quantize(options.Model, options.Out, new QuantizationOptions { Granularity = options.Granularity }, options.Force, cancellationToken);
        }
        catch (OnnxGraphException error)
        {
            throw CliException.Failed(error.Message);
        }

        context.Consoles.Out.MarkupLine($"[green]{Markup.Escape(result.Directory)}[/]: {Markup.Escape(result.Summary)}");
        if (result.Forged)
        {
            context.Consoles.Warn("The source is a forged model (random weights): so is its int8 copy.");
        }

        context.Consoles.Info($"Point a service at it, e.g. Embedder__ModelDirectory={result.Directory}.");
        return ExitCodes.Success;
    }
}
