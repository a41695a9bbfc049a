using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// Checks a compose file (base, or base merged with an override) against the services and the Dockerfile. Returns
/// problems rather than asserting, so the tests can also feed it broken copies.
/// </summary>
public static partial class ComposeChecks
{
    public const string Qdrant = "qdrant";

    public static string ComposePath => Path.Combine(TestPaths.RepoRoot, "docker-compose.yml");

    public static string EmbeddedOverridePath => Path.Combine(TestPaths.RepoRoot, "deploy", "docker", "compose.embedded.yml");

    public static string ScaledOverridePath => Path.Combine(TestPaths.RepoRoot, "deploy", "docker", "compose.scaled.yml");

    public static IReadOnlyList<string> Check(ComposeModel compose, DockerfileModel dockerfile, IReadOnlyList<ServiceSpec> services)
    {
        var problems = new List<string>();
        foreach (var service in services)
        {
            if (compose.Service(service.Name) is not { } node || !compose.IsEnabled(service.Name))
            {
                problems.Add($"compose: service '{service.Name}' is missing or disabled by a profile.");
                continue;
            }

            var env = ComposeModel.EffectiveEnvironment(node, dockerfile);
            CheckBuild(service, node, dockerfile, problems);
            CheckEnvironment(service, node, env, dockerfile, problems);
            CheckMounts(service, node, env, compose, problems);
            CheckHardening(service, node, problems);
            problems.AddRange(ScaleOutChecks.Check($"compose {service.Name}", service, ComposeModel.Replicas(node), env, v => ComposeModel.RequiredVariable(v) is not null));
        }

        CheckLinks(compose, dockerfile, services, problems);
        CheckPorts(compose, dockerfile, problems);
        CheckDependencies(compose, dockerfile, problems);
        CheckNetworks(compose, problems);
        CheckQdrant(compose, problems);
        return problems;
    }

    /// <summary>The port a compose service is called on: ours from its listen URL, Qdrant's gRPC port.</summary>
    public static int? ListenPort(ComposeModel compose, DockerfileModel dockerfile, string name)
    {
        if (name == Qdrant)
        {
            return ServiceCatalog.QdrantGrpcPort;
        }

        var spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == name);
        return spec is not null && compose.Service(name) is { } node
            && ComposeModel.EffectiveEnvironment(node, dockerfile).GetValueOrDefault(DockerfileChecks.EnvName(spec.ListenKey)) is { } url
            && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;
    }

    private static void CheckBuild(ServiceSpec service, JsonObject node, DockerfileModel dockerfile, List<string> problems)
    {
        var dockerfilePath = node["build"]?["dockerfile"]?.GetValue<string>();
        if (node["build"]?["context"]?.GetValue<string>() != "." || dockerfilePath is null || !File.Exists(Path.Combine(TestPaths.RepoRoot, dockerfilePath)))
        {
            problems.Add($"compose {service.Name}: must build from the repository root with an existing Dockerfile (was {node["build"]?.ToJsonString()}).");
        }

        if (ComposeModel.BuildTarget(node) != service.Name || dockerfile.Stage(service.Name) is null)
        {
            problems.Add($"compose {service.Name}: build target '{ComposeModel.BuildTarget(node)}' is not the Dockerfile's '{service.Name}' target.");
        }
    }

    private static void CheckEnvironment(ServiceSpec service, JsonObject node, IReadOnlyDictionary<string, string?> env, DockerfileModel dockerfile, List<string> problems)
    {
        foreach (var key in ComposeModel.Environment(node).Keys.Where(k => !service.Schema.AcceptsEnvironmentVariable(k)))
        {
            problems.Add($"compose {service.Name}: environment {key} is not a configuration key {service.Name} reads.");
        }

        // The image's HEALTHCHECK probes the port baked into it, so the file must not move the service elsewhere.
        var imagePort = DockerfileChecks.ListenPort(dockerfile, service);
        if (Uri.TryCreate(env.GetValueOrDefault(DockerfileChecks.EnvName(service.ListenKey)), UriKind.Absolute, out var listen) && listen.Port != imagePort)
        {
            problems.Add($"compose {service.Name}: changes its listen port to {listen.Port}, but the image's HEALTHCHECK probes {imagePort}.");
        }

        // Secrets come from .env or the shell, required (${VAR:?...}): never a value written into the file.
        var secrets = new List<string> { "Grpc__SharedToken" };
        if (service.Name == "gateway")
        {
            secrets.Add("Gateway__BootstrapApiKey");
        }

        foreach (var secret in secrets.Where(s => ComposeModel.RequiredVariable(env.GetValueOrDefault(s)) is null))
        {
            problems.Add($"compose {service.Name}: {secret} must come from a required variable (${{NAME:?...}}), not '{env.GetValueOrDefault(secret)}'.");
        }
    }

    private static void CheckMounts(ServiceSpec service, JsonObject node, IReadOnlyDictionary<string, string?> env, ComposeModel compose, List<string> problems)
    {
        var mounts = ComposeModel.Mounts(node);
        if (service.ModelDirectoryKey is { } modelKey)
        {
            var directory = env.GetValueOrDefault(DockerfileChecks.EnvName(modelKey)) ?? "";
            if (!mounts.Any(m => m.ReadOnly && directory.StartsWith(m.Target.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                problems.Add($"compose {service.Name}: its model directory {directory} is not inside a read-only mount.");
            }
        }

        if (service.DataDirectoryKey is { } dataKey)
        {
            var directory = env.GetValueOrDefault(DockerfileChecks.EnvName(dataKey));
            var mount = mounts.FirstOrDefault(m => m.Target == directory);
            var declared = compose.Root["volumes"] as JsonObject ?? [];
            if (ScaleOutChecks.SharesState(service, env) && ComposeModel.Tmpfs(node).Contains(directory))
            {
                // Its state is in PostgreSQL (and Qdrant): the directory holds a per-replica cache only.
            }
            else if (mount is not { Type: "volume", Source: { } volume, ReadOnly: false } || !declared.ContainsKey(volume))
            {
                problems.Add($"compose {service.Name}: its data directory {directory} is not a writable named volume declared under volumes:.");
            }
        }
    }

    private static void CheckHardening(ServiceSpec service, JsonObject node, List<string> problems)
    {
        if (node["read_only"]?.GetValue<string>() != "true" || node["cap_drop"] is not JsonArray drop || !drop.Any(c => c?.GetValue<string>() == "ALL"))
        {
            problems.Add($"compose {service.Name}: must run with a read-only root filesystem and cap_drop: [ALL].");
        }
    }

    private static void CheckLinks(ComposeModel compose, DockerfileModel dockerfile, IReadOnlyList<ServiceSpec> services, List<string> problems)
    {
        var orchestrator = compose.Service("orchestrator");
        var index = orchestrator is null ? null : ComposeModel.EffectiveEnvironment(orchestrator, dockerfile).GetValueOrDefault(DockerfileChecks.EnvName(ServiceCatalog.IndexKey));
        var links = ServiceCatalog.Links.ToList();
        if (index == "Qdrant")
        {
            links.Add(ServiceCatalog.QdrantLink);
        }

        foreach (var link in links.Where(l => compose.Service(l.From) is not null && services.Any(s => s.Name == l.From)))
        {
            var env = ComposeModel.EffectiveEnvironment(compose.Service(link.From)!, dockerfile);
            var url = env.GetValueOrDefault(DockerfileChecks.EnvName(link.Key));
            var expectedPort = ListenPort(compose, dockerfile, link.To);
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host != link.To || !compose.IsEnabled(link.To) || uri.Port != expectedPort)
            {
                problems.Add($"compose {link.From}: {DockerfileChecks.EnvName(link.Key)}={url} must reach service '{link.To}' on its port {expectedPort}.");
            }

            if (ComposeModel.DependsOn(compose.Service(link.From)!).GetValueOrDefault(link.To) != "service_healthy")
            {
                problems.Add($"compose {link.From}: calls {link.To} but does not wait for it (depends_on: {link.To}: condition: service_healthy).");
            }
        }
    }

    private static void CheckPorts(ComposeModel compose, DockerfileModel dockerfile, List<string> problems)
    {
        foreach (var name in compose.EnabledServices)
        {
            var published = ComposeModel.PublishedContainerPorts(compose.Service(name)!);
            if (name != "gateway" && published.Count > 0)
            {
                problems.Add($"compose {name}: publishes ports {string.Join(", ", published)}; only the gateway may be reachable from outside.");
            }
        }

        var gatewayPort = ListenPort(compose, dockerfile, "gateway");
        var gateway = compose.Service("gateway");
        if (gateway is not null && ComposeModel.PublishedContainerPorts(gateway) is var ports && (ports.Count == 0 || ports.Any(p => p != gatewayPort)))
        {
            problems.Add($"compose gateway: must publish exactly its listen port {gatewayPort} (publishes {string.Join(", ", ports)}).");
        }
    }

    private static void CheckDependencies(ComposeModel compose, DockerfileModel dockerfile, List<string> problems)
    {
        foreach (var name in compose.EnabledServices)
        {
            foreach (var (dependency, condition) in ComposeModel.DependsOn(compose.Service(name)!))
            {
                if (!compose.IsEnabled(dependency))
                {
                    problems.Add($"compose {name}: depends on '{dependency}', which is not a service that starts.");
                    continue;
                }

                if (condition != "service_healthy")
                {
                    problems.Add($"compose {name}: depends on {dependency} with {condition}, not service_healthy.");
                }

                if (!HasHealthcheck(compose.Service(dependency)!, dockerfile))
                {
                    problems.Add($"compose {name}: waits for {dependency} to be healthy, but {dependency} has no health check.");
                }
            }
        }

        // A cycle would leave every service in it waiting forever.
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        foreach (var name in compose.EnabledServices)
        {
            Visit(name);
        }

        void Visit(string name)
        {
            if (done.Contains(name) || compose.Service(name) is not { } node)
            {
                return;
            }

            if (!visiting.Add(name))
            {
                problems.Add($"compose: depends_on cycle through '{name}'.");
                return;
            }

            foreach (var dependency in ComposeModel.DependsOn(node).Keys)
            {
                Visit(dependency);
            }

            visiting.Remove(name);
            done.Add(name);
        }
    }

    private static bool HasHealthcheck(JsonObject service, DockerfileModel dockerfile) =>
        service["healthcheck"] is JsonObject check
            ? check["disable"]?.GetValue<string>() != "true" && check["test"] is not null
            : ComposeModel.BuildTarget(service) is { } target && dockerfile.Stage(target) is not null && dockerfile.HealthcheckCommand(target) is not null;

    private static void CheckNetworks(ComposeModel compose, List<string> problems)
    {
        var declared = compose.Root["networks"] as JsonObject ?? [];
        bool IsInternal(string network) => declared[network]?["internal"]?.GetValue<string>() == "true";
        foreach (var name in compose.EnabledServices)
        {
            var networks = ComposeModel.Networks(compose.Service(name)!);
            foreach (var network in networks.Where(n => !declared.ContainsKey(n)))
            {
                problems.Add($"compose {name}: network '{network}' is not declared (the implicit default network has a route out).");
            }

            if (name != "gateway" && networks.Any(n => !IsInternal(n)))
            {
                problems.Add($"compose {name}: is attached to a non-internal network; only the gateway faces the outside.");
            }
        }
    }

    private static void CheckQdrant(ComposeModel compose, List<string> problems)
    {
        if (compose.Service(Qdrant) is not { } qdrant || !compose.IsEnabled(Qdrant))
        {
            return;
        }

        if (!PinnedQdrantImage().IsMatch(qdrant["image"]?.GetValue<string>() ?? ""))
        {
            problems.Add($"compose qdrant: image '{qdrant["image"]}' must be pinned to a release (qdrant/qdrant:vX.Y.Z).");
        }

        if (qdrant["healthcheck"]?["test"] is null)
        {
            problems.Add("compose qdrant: has no health check, so nothing can wait for it.");
        }

        if (!ComposeModel.Mounts(qdrant).Any(m => m is { Type: "volume", Target: "/qdrant/storage", ReadOnly: false }))
        {
            problems.Add("compose qdrant: its storage (/qdrant/storage) is not on a named volume.");
        }
    }

    [GeneratedRegex(@"^qdrant/qdrant:v\d+\.\d+\.\d+(-[a-z]+)?$")]
    private static partial Regex PinnedQdrantImage();
}
