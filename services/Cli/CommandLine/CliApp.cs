using System.CommandLine;
using Spectre.Console;

namespace RagPlatform.Cli.CommandLine;

/// <summary>
/// The root command and the one place where a command's outcome becomes an exit code: parse errors are usage errors,
/// <see cref="CliException"/> is printed plainly, Ctrl+C is "cancelled", and anything else is reported as a bug.
/// </summary>
internal static class CliApp
{
    /// <summary>How long a command may take to wind down after Ctrl+C (rag up stops what it started) before the process exits anyway.</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(45);

    public static RootCommand CreateRoot(CliContext context, params Command[] commands)
    {
        var root = new RootCommand("rag: run RagPlatform on this machine, ingest documents, ask questions with cited answers, evaluate. "
            + ExitCodes.HelpText)
        {
            context.Globals.Gateway,
            context.Globals.ApiKey,
        };
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>A command that only groups subcommands (`rag models ...`); run alone it shows its help.</summary>
    public static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        return group;
    }

    public static async Task<int> RunAsync(CliContext context, RootCommand root, IReadOnlyList<string> args)
    {
        var consoles = context.Consoles;
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                consoles.Error.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            }

            consoles.Error.MarkupLine($"[grey]See `{Markup.Escape(CommandPath(parsed))} --help`.[/]");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = ShutdownGrace,
            });
        }
        catch (CliException ex)
        {
            consoles.Fail(ex.Message, ex.Hint);
            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Only Ctrl+C cancels the command's token; commands turn their own timeouts into CliException.
            consoles.Error.MarkupLine("[yellow]cancelled[/]");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            consoles.Fail($"rag failed unexpectedly: {ex.GetType().Name}: {ex.Message}",
                context.Environment.Get(CliEnvironment.DebugVariable) is null ? $"This is a bug in rag; set {CliEnvironment.DebugVariable}=1 to see where it happened." : null);
            if (context.Environment.Get(CliEnvironment.DebugVariable) is not null)
            {
                consoles.Error.WriteLine(ex.ToString());
            }

            return ExitCodes.Internal;
        }
    }

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command.Name);
        }

        names.Reverse();
        names[0] = "rag";
        return string.Join(' ', names);
    }
}
