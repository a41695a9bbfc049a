using System.Text;
using System.Text.Json;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>One instruction with its continuation lines joined; <see cref="Line"/> is where it starts (1-based).</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, int Line);

/// <summary>A COPY: <see cref="From"/> is the stage (or image) of <c>--from</c>, null for the build context.</summary>
public sealed record DockerCopy(string? From, IReadOnlyList<string> Sources, string Destination);

/// <summary>A build stage: <c>FROM <see cref="BaseImage"/> AS <see cref="Name"/></c> and what follows.</summary>
public sealed record DockerStage(string Name, string BaseImage, IReadOnlyList<DockerInstruction> Instructions)
{
    public IEnumerable<DockerInstruction> All(string keyword) =>
        Instructions.Where(i => i.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Enough of the Dockerfile language to check what an image will be: stages and their parents, ENV, USER, EXPOSE,
/// COPY, RUN, HEALTHCHECK and ENTRYPOINT, with what a stage inherits from the stage it is built FROM. Not a builder:
/// variables are left unexpanded, which the checks never need.
/// </summary>
public sealed class DockerfileModel
{
    private readonly Dictionary<string, DockerStage> _byName;

    private DockerfileModel(IReadOnlyList<DockerStage> stages)
    {
        Stages = stages;
        _byName = stages.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<DockerStage> Stages { get; }

    public static DockerfileModel Load(string path) => Parse(File.ReadAllText(path));

    public static DockerfileModel Parse(string text)
    {
        var stages = new List<DockerStage>();
        string? name = null;
        string? baseImage = null;
        var instructions = new List<DockerInstruction>();
        foreach (var instruction in ReadInstructions(text))
        {
            if (!instruction.Keyword.Equals("FROM", StringComparison.OrdinalIgnoreCase))
            {
                // Instructions before the first FROM can only be ARGs, which the checks do not need.
                if (baseImage is not null)
                {
                    instructions.Add(instruction);
                }

                continue;
            }

            if (baseImage is not null)
            {
                stages.Add(new DockerStage(name!, baseImage, instructions));
            }

            var words = Words(instruction.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            baseImage = words.Count > 0 ? words[0] : throw new FormatException($"line {instruction.Line}: FROM without an image.");
            name = words.Count == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : stages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            instructions = [];
        }

        if (baseImage is not null)
        {
            stages.Add(new DockerStage(name!, baseImage, instructions));
        }

        return new DockerfileModel(stages);
    }

    public DockerStage? Stage(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The stage and the stages it is built FROM, root first.</summary>
    public IReadOnlyList<DockerStage> Chain(string name)
    {
        var chain = new List<DockerStage>();
        for (var stage = Stage(name); stage is not null; stage = Stage(stage.BaseImage))
        {
            if (chain.Contains(stage))
            {
                throw new FormatException($"Stage '{name}' is built from itself.");
            }

            chain.Insert(0, stage);
        }

        return chain;
    }

    /// <summary>ENV as the image of <paramref name="stage"/> has it (later settings win).</summary>
    public IReadOnlyDictionary<string, string> Environment(string stage)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in Chain(stage).SelectMany(s => s.All("ENV")))
        {
            foreach (var (key, value) in ParseEnv(env.Arguments))
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    /// <summary>The user the image runs as (the last USER in the chain), or null (root).</summary>
    public string? User(string stage) => Chain(stage).SelectMany(s => s.All("USER")).LastOrDefault()?.Arguments.Trim();

    /// <summary>The HEALTHCHECK command in exec form; null when there is none or it is NONE.</summary>
    public IReadOnlyList<string>? HealthcheckCommand(string stage)
    {
        var healthcheck = Chain(stage).SelectMany(s => s.All("HEALTHCHECK")).LastOrDefault();
        if (healthcheck is null || healthcheck.Arguments.Trim().Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var cmd = healthcheck.Arguments.IndexOf("CMD ", StringComparison.OrdinalIgnoreCase);
        return cmd < 0 ? null : ExecForm(healthcheck.Arguments[(cmd + 4)..]);
    }

    public IReadOnlyList<string>? Entrypoint(string stage) =>
        Chain(stage).SelectMany(s => s.All("ENTRYPOINT")).LastOrDefault() is { } e ? ExecForm(e.Arguments) : null;

    public IReadOnlyList<int> ExposedPorts(string stage) =>
        [.. Chain(stage).SelectMany(s => s.All("EXPOSE")).SelectMany(e => Words(e.Arguments)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture))];

    public IReadOnlyList<DockerCopy> Copies(string stage) => [.. Chain(stage).SelectMany(s => s.All("COPY")).Select(ParseCopy)];

    public static DockerCopy ParseCopy(DockerInstruction copy)
    {
        var words = Words(copy.Arguments).ToList();
        var from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
        var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        return paths.Count < 2
            ? throw new FormatException($"line {copy.Line}: COPY needs a source and a destination.")
            : new DockerCopy(from, paths[..^1], paths[^1]);
    }

    /// <summary>ENV arguments: <c>k=v k2="v 2"</c> (an empty value allowed), or the legacy <c>k v</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> ParseEnv(string arguments)
    {
        var words = Words(arguments).ToList();
        if (words.Count > 0 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            yield return new(words[0], string.Join(' ', words.Skip(1)));
            yield break;
        }

        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            yield return equals > 0 ? new(word[..equals], word[(equals + 1)..]) : throw new FormatException($"ENV '{word}' is not key=value.");
        }
    }

    /// <summary>A JSON array (exec form); null for the shell form.</summary>
    private static List<string>? ExecForm(string arguments)
    {
        var trimmed = arguments.Trim();
        return trimmed.StartsWith('[') ? JsonSerializer.Deserialize<List<string>>(trimmed) : null;
    }

    /// <summary>Whitespace-separated words; double quotes group and are removed.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                {
                    yield return word.ToString();
                }

                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }

        if (any)
        {
            yield return word.ToString();
        }
    }

    private static IEnumerable<DockerInstruction> ReadInstructions(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            // Comment lines are dropped, even between the continuation lines of one instruction (as Docker does).
            if (line.StartsWith('#') || (line.Length == 0 && current.Length == 0))
            {
                continue;
            }

            if (current.Length == 0)
            {
                start = i + 1;
            }

            var continues = line.EndsWith('\\');
            current.Append(continues ? line[..^1] : line).Append(' ');
            if (continues)
            {
                continue;
            }

            var joined = current.ToString().Trim();
            current.Clear();
            if (joined.Length == 0)
            {
                continue;
            }

            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0
                ? new DockerInstruction(joined.ToUpperInvariant(), "", start)
                : new DockerInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), start);
        }
    }
}
