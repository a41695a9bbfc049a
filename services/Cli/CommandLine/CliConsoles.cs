using Spectre.Console;

namespace RagPlatform.Cli.CommandLine;

/// <summary>
/// Where output goes: <see cref="Out"/> carries what the command produces (an answer, a table, JSON), <see cref="Error"/>
/// carries progress, warnings and errors, so `rag ask ... --json > answer.json` stays clean.
/// </summary>
internal sealed record CliConsoles(IAnsiConsole Out, IAnsiConsole Error)
{
    /// <summary>Width used when output goes to a file or pipe: wide enough that messages are not broken mid-sentence.</summary>
    private const int RedirectedWidth = 1000;

    public static CliConsoles FromProcess() => new(
        Create(Console.Out, Console.IsOutputRedirected),
        Create(Console.Error, Console.IsErrorRedirected));

    /// <summary>
    /// A console over <paramref name="writer"/>; when it is redirected, plain text (no colours, no cursor movement),
    /// so logs and scripts read what a person would.
    /// </summary>
    public static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>True when progress can redraw in place (a terminal); otherwise progress is printed as plain lines.</summary>
    public bool Interactive => Error.Profile.Capabilities.Interactive;

    public void Warn(string message) => Error.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    public void Info(string message) => Error.MarkupLine(Markup.Escape(message));

    public void Fail(string message, string? hint)
    {
        Error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        if (hint is not null)
        {
            Error.MarkupLine($"[grey]hint:[/] {Markup.Escape(hint)}");
        }
    }
}
