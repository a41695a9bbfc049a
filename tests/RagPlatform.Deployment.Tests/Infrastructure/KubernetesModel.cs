using System.Text.Json.Nodes;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// The objects of a kustomization, read without kubectl: resources (files and folders with their own
/// kustomization.yaml) and patches merged into the object they name. The same checks also run on
/// <c>kubectl kustomize</c> output where kubectl exists (see <see cref="Parse"/>).
/// </summary>
public sealed class KubernetesModel(IReadOnlyList<JsonObject> objects)
{
    /// <summary>deploy/k8s: the default entry point (the base with the embedded index).</summary>
    public static string RootPath => Path.Combine(TestPaths.RepoRoot, "deploy", "k8s");

    public static string BasePath => Path.Combine(RootPath, "base");

    public static string QdrantOverlayPath => Path.Combine(RootPath, "overlays", "qdrant");

    public static string ScaledOverlayPath => Path.Combine(RootPath, "overlays", "scaled");

    public IReadOnlyList<JsonObject> Objects { get; } = objects;

    public static KubernetesModel Parse(string renderedYaml) => new([.. YamlTree.Parse(renderedYaml).OfType<JsonObject>()]);

    public static KubernetesModel LoadKustomization(string directory) => new(LoadObjects(directory));

    /// <summary>The same objects less <paramref name="item"/> (for tests that delete one).</summary>
    public KubernetesModel Without(JsonObject item) => new([.. Objects.Where(o => !ReferenceEquals(o, item))]);

    public IEnumerable<JsonObject> Of(string kind) => Objects.Where(o => Str(o["kind"]) == kind);

    public JsonObject? Find(string kind, string name) => Of(kind).FirstOrDefault(o => Str(o["metadata"]?["name"]) == name);

    /// <summary>Deployments and StatefulSets: everything with a pod template.</summary>
    public IEnumerable<JsonObject> Workloads => Objects.Where(o => o["spec"]?["template"]?["spec"] is JsonObject);

    public static JsonObject PodSpec(JsonObject workload) => (JsonObject)workload["spec"]!["template"]!["spec"]!;

    public static IReadOnlyDictionary<string, string> PodLabels(JsonObject workload) => Labels(workload["spec"]?["template"]?["metadata"]?["labels"]);

    public static IReadOnlyList<JsonObject> Containers(JsonObject workload) => [.. (PodSpec(workload)["containers"] as JsonArray ?? []).OfType<JsonObject>()];

    public static string? Str(JsonNode? node) => node?.GetValue<string>();

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? node) =>
        (node as JsonObject ?? []).ToDictionary(l => l.Key, l => Str(l.Value) ?? "", StringComparer.Ordinal);

    /// <summary>True when every label <paramref name="selector"/> asks for is on <paramref name="labels"/> (matchLabels).</summary>
    public static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>The workloads a label selector picks (an empty selector picks every one).</summary>
    public IEnumerable<JsonObject> Selected(IReadOnlyDictionary<string, string> selector) => Workloads.Where(w => Selects(selector, PodLabels(w)));

    /// <summary>A container port given by number or by name, as the number; null when the name is unknown.</summary>
    public static int? ResolvePort(JsonObject container, string? port) =>
        int.TryParse(port, out var number) ? number
        : (container["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => Str(p["name"]) == port) is { } named ? int.Parse(Str(named["containerPort"])!, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static IReadOnlyList<int> ContainerPorts(JsonObject container) =>
        [.. (container["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p => int.Parse(Str(p["containerPort"])!, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// The environment inside the container: the image's ENV (our images are ragplatform/&lt;Dockerfile target&gt;),
    /// then the ConfigMaps of envFrom, then env (secret references shown as "secret:name/key").
    /// </summary>
    public IReadOnlyDictionary<string, string?> EffectiveEnvironment(JsonObject container, DockerfileModel dockerfile)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (ImageTarget(container) is { } target && dockerfile.Stage(target) is not null)
        {
            foreach (var (key, value) in dockerfile.Environment(target))
            {
                environment[key] = value;
            }
        }

        foreach (var (key, value) in EnvironmentSources(container).SelectMany(s => s.Values))
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>Each envFrom ConfigMap and the env list, as (source, variables); a missing ConfigMap yields none.</summary>
    public IEnumerable<(string Source, IReadOnlyDictionary<string, string?> Values)> EnvironmentSources(JsonObject container)
    {
        foreach (var from in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = Str(from["configMapRef"]?["name"]) ?? "";
            yield return ($"ConfigMap {name}", (Find("ConfigMap", name)?["data"] as JsonObject ?? []).ToDictionary(d => d.Key, d => Str(d.Value)));
        }

        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var item in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var secret = item["valueFrom"]?["secretKeyRef"];
            env[Str(item["name"])!] = secret is null ? Str(item["value"]) : $"secret:{Str(secret["name"])}/{Str(secret["key"])}";
        }

        yield return ("env", env);
    }

    /// <summary>"registry/ragplatform/embedder:1.2" → "embedder" for our images; null for others.</summary>
    public static string? ImageTarget(JsonObject container)
    {
        var image = Str(container["image"]) ?? "";
        var withoutTag = image.Split('@')[0];
        var lastSlash = withoutTag.LastIndexOf('/');
        var colon = withoutTag.IndexOf(':', lastSlash + 1);
        var repository = colon < 0 ? withoutTag : withoutTag[..colon];
        return repository.Contains("ragplatform/", StringComparison.Ordinal) ? repository[(repository.LastIndexOf('/') + 1)..] : null;
    }

    private static List<JsonObject> LoadObjects(string directory)
    {
        var kustomization = YamlTree.LoadObject(Path.Combine(directory, "kustomization.yaml"));
        var objects = new List<JsonObject>();
        foreach (var resource in (kustomization["resources"] as JsonArray ?? []).Select(r => Str(r)!))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? LoadObjects(path) : YamlTree.LoadFile(path).OfType<JsonObject>());
        }

        foreach (var patch in (kustomization["patches"] as JsonArray ?? []).Select(p => Str(p?["path"])!))
        {
            foreach (var change in YamlTree.LoadFile(Path.Combine(directory, patch)).OfType<JsonObject>())
            {
                var target = objects.FirstOrDefault(o => Str(o["kind"]) == Str(change["kind"]) && Str(o["metadata"]?["name"]) == Str(change["metadata"]?["name"]))
                    ?? throw new InvalidDataException($"{patch} patches {change["kind"]} {change["metadata"]?["name"]}, which the kustomization does not have.");
                MergeInto(target, change);
            }
        }

        return objects;
    }

    /// <summary>
    /// A strategic merge as far as the patches here use it: mappings merge key by key, a null removes a key, lists of
    /// named items (containers, env, volumes) merge item by item on "name", everything else replaces.
    /// </summary>
    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (target[key] is JsonObject existing && value is JsonObject incoming)
            {
                MergeInto(existing, incoming);
            }
            else if (target[key] is JsonArray list && value is JsonArray items && items.All(i => i?["name"] is not null))
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    if (list.OfType<JsonObject>().FirstOrDefault(o => Str(o["name"]) == Str(item["name"])) is { } same)
                    {
                        MergeInto(same, item);
                    }
                    else
                    {
                        list.Add(item.DeepClone());
                    }
                }
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
