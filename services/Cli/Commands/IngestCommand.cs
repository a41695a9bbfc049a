using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Gateway;
using RagPlatform.Client;
using RagPlatform.Cli.Ingestion;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

internal sealed record IngestOptions(IReadOnlyList<string> Paths, string Collection, bool Create, TimeSpan Timeout);

/// <summary>
/// `rag ingest PATH... --collection NAME`: uploads every supported file through the gateway, then polls the
/// documents' status until each is indexed or failed. Exit code 1 when any file was refused or failed to index.
/// </summary>
internal sealed class IngestCommand(CliContext context)
{
    private readonly Argument<string[]> _paths = new("path") { Description = "Files or directories (recursive) to ingest.", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> _collection = CollectionOption.Create(required: true);
    private readonly Option<bool> _create = new("--create") { Description = "Create the collection if it does not exist." };
    private readonly Option<int> _timeout = new Option<int>("--timeout") { Description = "Seconds to wait for indexing to finish.", DefaultValueFactory = _ => 600 }.Positive();

    public Command Build()
    {
        var command = new Command("ingest", $"Upload files ({string.Join(' ', SourceFiles.SupportedExtensions)}) into a collection and wait until they are indexed.")
        {
            _paths, _collection, _create, _timeout,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), context.Globals.Resolve(result, context.Environment), cancellationToken));
        return command;
    }

    internal IngestOptions Bind(ParseResult result) => new(result.GetValue(_paths) ?? [], result.GetValue(_collection)!, result.GetValue(_create),
        TimeSpan.FromSeconds(result.GetValue(_timeout)));

    internal async Task<int> RunAsync(IngestOptions options, GatewayTarget target, CancellationToken cancellationToken)
    {
        var consoles = context.Consoles;
        var selection = SourceFiles.Expand(options.Paths, context.Environment);
        if (selection.Files.Count == 0)
        {
            throw CliException.Usage($"No supported files in {string.Join(", ", options.Paths)}.", $"rag ingest reads {string.Join(' ', SourceFiles.SupportedExtensions)}.");
        }

        using var gateway = new GatewayCalls(target, TimeSpan.FromSeconds(60), context.HttpHandler());
        await EnsureCollectionAsync(gateway, options.Collection, options.Create, cancellationToken);
        consoles.Info($"Ingesting {selection.Files.Count} file(s) into '{options.Collection}'"
            + (selection.SkippedUnsupported > 0 ? $" ({selection.SkippedUnsupported} unsupported file(s) skipped)" : "") + ".");

        var view = new IngestView(consoles, selection.Files.Count);
        var uploader = new DocumentUploader(gateway, view);
        IReadOnlyList<UploadOutcome> outcomes = [];
        await view.RunAsync(async () => outcomes = await uploader.UploadAndWaitAsync(
            options.Collection, [.. selection.Files.Select(UploadItem.FromFile)], options.Timeout, cancellationToken));
        return Report(context.Consoles, outcomes);
    }

    /// <exception cref="CliException">The collection does not exist and <paramref name="create"/> is false.</exception>
    internal static async Task EnsureCollectionAsync(GatewayCalls gateway, string collection, bool create, CancellationToken cancellationToken)
    {
        if (await gateway.FindCollectionAsync(collection, cancellationToken) is not null)
        {
            return;
        }

        if (!create)
        {
            throw CliException.Failed($"The collection '{collection}' does not exist.", "Pass --create to create it.");
        }

        await gateway.CreateCollectionAsync(collection, cancellationToken);
    }

    /// <summary>Lists the failures with their reasons; exit code 1 when there is any.</summary>
    internal static int Report(CliConsoles consoles, IReadOnlyList<UploadOutcome> outcomes)
    {
        var failures = outcomes.Where(o => !o.Indexed).ToList();
        if (failures.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("document", "from", "reason");
            foreach (var failure in failures)
            {
                table.AddRow(Markup.Escape(failure.Item.DocumentId), Markup.Escape(failure.Item.Origin), $"[red]{Markup.Escape(failure.Reason ?? "")}[/]");
            }

            consoles.Out.Write(table);
        }

        consoles.Out.MarkupLine(failures.Count == 0
            ? $"[green]{outcomes.Count} document(s) indexed.[/]"
            : $"{outcomes.Count - failures.Count} document(s) indexed, [red]{failures.Count} failed[/].");
        return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
