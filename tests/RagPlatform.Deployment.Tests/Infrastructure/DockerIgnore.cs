using System.Text;
using System.Text.RegularExpressions;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// .dockerignore as Docker applies it: patterns in order, the last one that matches a path or any of its parent
/// folders decides, <c>!</c> re-includes, <c>*</c> and <c>?</c> stay within one path segment, <c>**</c> spans any
/// number of them. Lets the tests ask whether a file reaches the build context without a Docker engine.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Include, string Text)> _rules;

    private DockerIgnore(IReadOnlyList<(Regex, bool, string)> rules) => _rules = rules;

    public static DockerIgnore Load(string path) => Parse(File.ReadAllText(path));

    public static DockerIgnore Parse(string text)
    {
        var rules = new List<(Regex, bool, string)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var include = line.StartsWith('!');
            var pattern = (include ? line[1..] : line).Trim().Trim('/');
            rules.Add((ToRegex(pattern), include, line));
        }

        return new DockerIgnore(rules);
    }

    /// <summary>True when <paramref name="relativePath"/> (forward slashes, from the context root) is left out.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        var candidates = ParentsAndSelf(path).ToList();
        var excluded = false;
        foreach (var (pattern, include, _) in _rules)
        {
            if (candidates.Any(pattern.IsMatch))
            {
                excluded = !include;
            }
        }

        return excluded;
    }

    private static IEnumerable<string> ParentsAndSelf(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }

        yield return path;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more whole folders; a trailing "**" matches everything below.
                var slash = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
