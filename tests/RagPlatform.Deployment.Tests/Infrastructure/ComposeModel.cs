using System.Text.Json.Nodes;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>A volume or bind mount of a compose service, short or long syntax.</summary>
public sealed record ComposeMount(string Type, string? Source, string Target, bool ReadOnly);

/// <summary>Read access to a compose file tree: services, their environment, mounts, ports and dependencies.</summary>
public sealed class ComposeModel(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public JsonObject Services => Root["services"] as JsonObject ?? [];

    /// <summary>Services that start without naming a profile.</summary>
    public IEnumerable<string> EnabledServices => Services.Where(s => s.Value?["profiles"] is not JsonArray { Count: > 0 }).Select(s => s.Key);

    public JsonObject? Service(string name) => Services[name] as JsonObject;

    public bool IsEnabled(string name) => EnabledServices.Contains(name);

    /// <summary>The environment the file sets (map or KEY=VALUE list form); values keep their ${...} interpolations.</summary>
    public static IReadOnlyDictionary<string, string?> Environment(JsonObject service)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (service["environment"])
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    environment[key] = value?.GetValue<string>();
                }

                break;
            case JsonArray list:
                foreach (var item in list.Select(i => i!.GetValue<string>()))
                {
                    var equals = item.IndexOf('=', StringComparison.Ordinal);
                    environment[equals < 0 ? item : item[..equals]] = equals < 0 ? null : item[(equals + 1)..];
                }

                break;
        }

        return environment;
    }

    /// <summary>The environment inside the container: the image's ENV (for a service built from our Dockerfile) under the file's.</summary>
    public static IReadOnlyDictionary<string, string?> EffectiveEnvironment(JsonObject service, DockerfileModel dockerfile)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (BuildTarget(service) is { } target && dockerfile.Stage(target) is not null)
        {
            foreach (var (key, value) in dockerfile.Environment(target))
            {
                environment[key] = value;
            }
        }

        foreach (var (key, value) in Environment(service))
        {
            environment[key] = value;
        }

        return environment;
    }

    public static string? BuildTarget(JsonObject service) => service["build"]?["target"]?.GetValue<string>();

    public static IReadOnlyList<ComposeMount> Mounts(JsonObject service) =>
        [.. (service["volumes"] as JsonArray ?? []).Select(v => v switch
        {
            JsonObject o => new ComposeMount(o["type"]?.GetValue<string>() ?? "volume", o["source"]?.GetValue<string>(), o["target"]!.GetValue<string>(),
                o["read_only"]?.GetValue<string>() is "true"),
            _ => ParseShortMount(v!.GetValue<string>()),
        })];

    /// <summary>deploy.replicas (1 when unset).</summary>
    public static int Replicas(JsonObject service) =>
        service["deploy"]?["replicas"]?.GetValue<string>() is { } replicas ? int.Parse(replicas, System.Globalization.CultureInfo.InvariantCulture) : 1;

    /// <summary>The service's tmpfs mount points (string or list form, options after ':' dropped).</summary>
    public static IReadOnlyList<string> Tmpfs(JsonObject service) => service["tmpfs"] switch
    {
        JsonArray list => [.. list.Select(t => t!.GetValue<string>().Split(':')[0])],
        JsonValue one => [one.GetValue<string>().Split(':')[0]],
        _ => [],
    };

    /// <summary>Container ports the service publishes on the host.</summary>
    public static IReadOnlyList<int> PublishedContainerPorts(JsonObject service) =>
        [.. (service["ports"] as JsonArray ?? []).Select(p => p switch
        {
            JsonObject o => int.Parse(o["target"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            _ => int.Parse(p!.GetValue<string>().Split(':')[^1].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture),
        })];

    /// <summary>depends_on as service → condition (the short list form means service_started).</summary>
    public static IReadOnlyDictionary<string, string> DependsOn(JsonObject service) => service["depends_on"] switch
    {
        JsonObject map => map.ToDictionary(d => d.Key, d => d.Value?["condition"]?.GetValue<string>() ?? "service_started"),
        JsonArray list => list.ToDictionary(d => d!.GetValue<string>(), _ => "service_started"),
        _ => new Dictionary<string, string>(),
    };

    public static IReadOnlyList<string> Networks(JsonObject service) => service["networks"] switch
    {
        JsonObject map => [.. map.Select(n => n.Key)],
        JsonArray list => [.. list.Select(n => n!.GetValue<string>())],
        _ => ["default"],
    };

    /// <summary>"${NAME:?message}" → NAME: a value the user must supply, never a default written in the file.</summary>
    public static string? RequiredVariable(string? value) =>
        value is ['$', '{', .. var inner, '}'] && inner.IndexOf(":?", StringComparison.Ordinal) is > 0 and var at ? inner[..at] : null;

    /// <summary>
    /// Applies an override file as Compose does for what these files use: mappings merge key by key, sequences append,
    /// scalars replace, and a node tagged !override replaces (or !reset removes) what the base had.
    /// </summary>
    public static JsonObject Merge(JsonObject baseFile, JsonObject overrideFile)
    {
        var merged = (JsonObject)baseFile.DeepClone();
        MergeInto(merged, overrideFile);
        return merged;
    }

    private static void MergeInto(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            var tag = YamlTree.TagOf(value);
            if (tag == "!reset")
            {
                target.Remove(key);
            }
            else if (tag != "!override" && target[key] is JsonObject existing && value is JsonObject incoming)
            {
                MergeInto(existing, incoming);
            }
            else if (tag != "!override" && target[key] is JsonArray list && value is JsonArray more)
            {
                foreach (var item in more)
                {
                    list.Add(item?.DeepClone());
                }
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static ComposeMount ParseShortMount(string text)
    {
        var parts = SplitOutsideInterpolation(text);
        return parts.Count switch
        {
            1 => new ComposeMount("volume", null, parts[0], false),
            _ => new ComposeMount(parts[0].StartsWith('.') || parts[0].StartsWith('/') || parts[0].StartsWith('$') ? "bind" : "volume",
                parts[0], parts[1], parts.Count > 2 && parts[2].Split(',').Contains("ro")),
        };
    }

    /// <summary>Splits on ':' except inside ${...} (whose defaults may hold colons).</summary>
    private static List<string> SplitOutsideInterpolation(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] == '{' ? 1 : text[i] == '}' ? -1 : 0;
            if (text[i] == ':' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }
}
