using System.Reflection;
using System.Text.Json.Nodes;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// The configuration keys one service reads, taken from its options classes by reflection (every settable public
/// property under the section the service binds it to) plus the keys of its appsettings.json. An environment variable
/// <c>Section__Key</c> is configuration key <c>Section:Key</c>, compared without case as .NET configuration does.
/// </summary>
public sealed class ConfigurationSchema
{
    private readonly HashSet<string> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _openSections = [];
    private readonly HashSet<string> _processVariables = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>Adds <c>section:Property</c> for every public property of <paramref name="options"/> that binding can set.</summary>
    public ConfigurationSchema Bind(string section, Type options)
    {
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true })
            {
                _keys.Add($"{section}:{property.Name}");
            }
        }

        return this;
    }

    /// <summary>Adds single keys (e.g. the gateway reads only Grpc:SharedToken of the Grpc section).</summary>
    public ConfigurationSchema Key(string key)
    {
        _keys.Add(key);
        return this;
    }

    /// <summary>A section whose children are free-form (Logging:LogLevel:&lt;category&gt;).</summary>
    public ConfigurationSchema OpenSection(string section)
    {
        _openSections.Add(section + ":");
        return this;
    }

    /// <summary>An environment variable the process reads directly, not through configuration.</summary>
    public ConfigurationSchema ProcessVariable(string name)
    {
        _processVariables.Add(name);
        return this;
    }

    public bool Contains(string key) =>
        _keys.Contains(key) || _openSections.Exists(s => key.StartsWith(s, StringComparison.OrdinalIgnoreCase) && key.Length > s.Length);

    /// <summary>True when the service would read <paramref name="name"/> (as configuration or directly).</summary>
    public bool AcceptsEnvironmentVariable(string name) =>
        _processVariables.Contains(name) || (name.Contains("__", StringComparison.Ordinal) && Contains(KeyOf(name)));

    /// <summary>Embedder__ModelDirectory → Embedder:ModelDirectory.</summary>
    public static string KeyOf(string environmentVariable) => environmentVariable.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Every leaf key of an appsettings.json ("Grpc:Url", "Downstream:Embedder:Timeout", ...).</summary>
    public static IReadOnlyList<string> AppSettingsKeys(string path)
    {
        var keys = new List<string>();
        Flatten(JsonNode.Parse(File.ReadAllText(path)), "", keys);
        return keys;
    }

    private static void Flatten(JsonNode? node, string prefix, List<string> keys)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                Flatten(child, prefix.Length == 0 ? name : $"{prefix}:{name}", keys);
            }
        }
        else
        {
            keys.Add(prefix);
        }
    }
}
