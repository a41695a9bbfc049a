using System.Text.Json.Nodes;
using static RagPlatform.Deployment.Tests.Infrastructure.KubernetesModel;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// Checks Kubernetes objects against the services and their images. Returns problems rather than asserting, so the
/// tests feed it the real manifests (expecting none) and broken copies (expecting the one they broke).
/// </summary>
public static class KubernetesChecks
{
    /// <summary>The services the issue asks to autoscale on CPU.</summary>
    public static readonly IReadOnlySet<string> Autoscaled = new HashSet<string>(StringComparer.Ordinal) { "embedder", "generator" };

    public static IReadOnlyList<string> Check(KubernetesModel model, DockerfileModel dockerfile, IReadOnlyList<ServiceSpec> services)
    {
        var problems = new List<string>();
        foreach (var service in services)
        {
            CheckService(model, dockerfile, service, problems);
        }

        CheckLinks(model, dockerfile, problems);
        CheckAutoscalers(model, problems);
        CheckNetworkPolicies(model, problems);
        foreach (var exposed in model.Of("Service").Where(s => Str(s["spec"]?["type"]) is "LoadBalancer" or "NodePort"))
        {
            problems.Add($"Service {Str(exposed["metadata"]?["name"])}: type {Str(exposed["spec"]?["type"])} exposes it outside the cluster; expose only the gateway, through an Ingress.");
        }

        return problems;
    }

    /// <summary>
    /// The port a workload's main container is called on: ours from the listen URL, Qdrant's gRPC port, otherwise its
    /// first containerPort.
    /// </summary>
    public static int? ListenPort(KubernetesModel model, DockerfileModel dockerfile, JsonObject workload)
    {
        if (Str(workload["metadata"]?["name"]) == "qdrant")
        {
            return ServiceCatalog.QdrantGrpcPort;
        }

        var container = Containers(workload).FirstOrDefault();
        if (container is null)
        {
            return null;
        }

        var spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == ImageTarget(container));
        return spec is null
            ? ContainerPorts(container).FirstOrDefault()
            : model.EffectiveEnvironment(container, dockerfile).GetValueOrDefault(DockerfileChecks.EnvName(spec.ListenKey)) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;
    }

    private static void CheckService(KubernetesModel model, DockerfileModel dockerfile, ServiceSpec service, List<string> problems)
    {
        var name = service.Name;
        if (model.Find("Deployment", name) is not { } deployment || Containers(deployment) is not [var container])
        {
            problems.Add($"Deployment {name}: missing, or not exactly one container.");
            return;
        }

        if (ImageTarget(container) != name)
        {
            problems.Add($"Deployment {name}: image {Str(container["image"])} is not the '{name}' image (ragplatform/{name}).");
        }

        foreach (var (source, values) in model.EnvironmentSources(container))
        {
            if (source.StartsWith("ConfigMap ", StringComparison.Ordinal) && model.Find("ConfigMap", source["ConfigMap ".Length..]) is null)
            {
                problems.Add($"Deployment {name}: envFrom {source} does not exist.");
            }

            foreach (var key in values.Keys.Where(k => !service.Schema.AcceptsEnvironmentVariable(k)))
            {
                problems.Add($"Deployment {name}: {key} (from {source}) is not a configuration key {name} reads.");
            }

            foreach (var (key, value) in values.Where(v => v.Value?.StartsWith("secret:", StringComparison.Ordinal) == true))
            {
                var (secretName, secretKey) = (value![7..].Split('/')[0], value.Split('/')[1]);
                var secret = model.Find("Secret", secretName);
                if (secret?["stringData"]?[secretKey] is null && secret?["data"]?[secretKey] is null)
                {
                    problems.Add($"Deployment {name}: {key} reads secret {secretName}/{secretKey}, which does not exist.");
                }
            }
        }

        var env = model.EffectiveEnvironment(container, dockerfile);
        var port = ListenPort(model, dockerfile, deployment);
        if (port is null || !ContainerPorts(container).Contains(port.Value))
        {
            problems.Add($"Deployment {name}: listens on {port} ({DockerfileChecks.EnvName(service.ListenKey)}), which is not a containerPort.");
        }

        CheckProbes(service, container, port, problems);
        CheckResourcesAndSecurity(dockerfile, deployment, container, service, problems);
        CheckVolumes(model, deployment, container, env, service, problems);
        CheckKubernetesService(model, deployment, container, service, port, problems);
    }

    private static void CheckProbes(ServiceSpec service, JsonObject container, int? port, List<string> problems)
    {
        var name = service.Name;
        var readiness = container["readinessProbe"];
        var liveness = container["livenessProbe"];
        if (service.Health == HealthKind.Grpc)
        {
            // Native gRPC probes take a port number only, and the service name of grpc.health.v1.
            if (Str(readiness?["grpc"]?["port"]) != port?.ToString(System.Globalization.CultureInfo.InvariantCulture) || !service.HealthServices.Contains(Str(readiness?["grpc"]?["service"]) ?? ""))
            {
                problems.Add($"Deployment {name}: readinessProbe must be grpc on port {port} for service {string.Join(" or ", service.HealthServices)} (was {readiness?.ToJsonString()}).");
            }

            foreach (var (kind, probe) in new[] { ("livenessProbe", liveness), ("startupProbe", container["startupProbe"]) })
            {
                if (probe is null && kind == "startupProbe")
                {
                    continue;
                }

                var asked = Str(probe?["grpc"]?["service"]) ?? "";
                if (Str(probe?["grpc"]?["port"]) != port?.ToString(System.Globalization.CultureInfo.InvariantCulture) || (asked.Length > 0 && !service.HealthServices.Contains(asked)))
                {
                    problems.Add($"Deployment {name}: {kind} must be grpc on port {port} for the server (\"\") or a registered service (was {probe?.ToJsonString()}).");
                }
            }

            return;
        }

        foreach (var (kind, probe, path) in new[] { ("readinessProbe", readiness, service.ReadinessPath), ("livenessProbe", liveness, service.LivenessPath) })
        {
            if (Str(probe?["httpGet"]?["path"]) != path || ResolvePort(container, Str(probe?["httpGet"]?["port"])) != port)
            {
                problems.Add($"Deployment {name}: {kind} must GET {path} on port {port} (was {probe?.ToJsonString()}).");
            }
        }
    }

    private static void CheckResourcesAndSecurity(DockerfileModel dockerfile, JsonObject deployment, JsonObject container, ServiceSpec service, List<string> problems)
    {
        var name = service.Name;
        var resources = container["resources"];
        foreach (var (level, resource) in new[] { ("requests", "cpu"), ("requests", "memory"), ("limits", "cpu"), ("limits", "memory") })
        {
            if (resources?[level]?[resource] is null)
            {
                problems.Add($"Deployment {name}: no resources.{level}.{resource}.");
            }
        }

        var pod = PodSpec(deployment)["securityContext"];
        var imageUser = dockerfile.Stage(name) is null ? null : dockerfile.User(name)?.Split(':')[0];
        if (Str(pod?["runAsNonRoot"]) != "true" || Str(pod?["runAsUser"]) is null or "0" || Str(pod?["runAsUser"]) != imageUser)
        {
            problems.Add($"Deployment {name}: must set runAsNonRoot: true and runAsUser equal to the image's USER ({imageUser}) (was {pod?.ToJsonString()}).");
        }

        var own = container["securityContext"];
        if (Str(own?["allowPrivilegeEscalation"]) != "false" || own?["capabilities"]?["drop"] is not JsonArray drop || !drop.Any(c => Str(c) == "ALL"))
        {
            problems.Add($"Deployment {name}: container must set allowPrivilegeEscalation: false and drop ALL capabilities.");
        }
    }

    private static void CheckVolumes(KubernetesModel model, JsonObject deployment, JsonObject container, IReadOnlyDictionary<string, string?> env, ServiceSpec service, List<string> problems)
    {
        var name = service.Name;
        var mounts = (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var volumes = (PodSpec(deployment)["volumes"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        string? ClaimOf(JsonObject mount) => Str(volumes.FirstOrDefault(v => Str(v["name"]) == Str(mount["name"]))?["persistentVolumeClaim"]?["claimName"]);
        bool ClaimExists(string? claim) => claim is not null && model.Find("PersistentVolumeClaim", claim) is not null;

        if (service.ModelDirectoryKey is { } modelKey)
        {
            var models = env.GetValueOrDefault(DockerfileChecks.EnvName(modelKey)) ?? "";
            var modelsMount = mounts.FirstOrDefault(m => models.StartsWith(Str(m["mountPath"])!.TrimEnd('/') + "/", StringComparison.Ordinal));
            if (modelsMount is null || Str(modelsMount["readOnly"]) != "true" || !ClaimExists(ClaimOf(modelsMount)))
            {
                problems.Add($"Deployment {name}: its model directory {models} must be on a read-only mount of an existing PersistentVolumeClaim.");
            }
        }

        var replicas = int.TryParse(Str(deployment["spec"]?["replicas"]), out var count) ? count : 1;
        problems.AddRange(ScaleOutChecks.Check($"Deployment {name}", service, replicas, env, v => v?.StartsWith("secret:", StringComparison.Ordinal) == true));
        if (service.DataDirectoryKey is not { } dataKey)
        {
            return;
        }

        var directory = env.GetValueOrDefault(DockerfileChecks.EnvName(dataKey));
        var mount = mounts.FirstOrDefault(m => Str(m["mountPath"]) == directory);
        if (ScaleOutChecks.SharesState(service, env))
        {
            // The state is in PostgreSQL (and Qdrant); the directory keeps a per-pod cache, and a ReadWriteOnce claim
            // could not follow several pods onto several nodes anyway.
            if (mount is null || Str(mount["readOnly"]) == "true" || volumes.FirstOrDefault(v => Str(v["name"]) == Str(mount["name"]))?["emptyDir"] is null)
            {
                problems.Add($"Deployment {name}: shares its state through PostgreSQL, so its data directory {directory} must be a writable emptyDir of each pod.");
            }

            return;
        }

        if (mount is null || Str(mount["readOnly"]) == "true" || !ClaimExists(ClaimOf(mount)))
        {
            problems.Add($"Deployment {name}: its data directory {directory} must be a writable mount of an existing PersistentVolumeClaim.");
        }

        // Single-writer state on a ReadWriteOnce volume: never two pods, not even during a rollout.
        if (Str(deployment["spec"]?["replicas"]) != "1" || Str(deployment["spec"]?["strategy"]?["type"]) != "Recreate")
        {
            problems.Add($"Deployment {name}: owns local state, so it must run replicas: 1 with strategy Recreate.");
        }
    }

    private static void CheckKubernetesService(KubernetesModel model, JsonObject deployment, JsonObject container, ServiceSpec service, int? port, List<string> problems)
    {
        var name = service.Name;
        var kubeService = model.Find("Service", name);
        var selector = Labels(kubeService?["spec"]?["selector"]);
        if (kubeService is null || selector.Count == 0 || !Selects(selector, PodLabels(deployment)))
        {
            problems.Add($"Service {name}: missing, or its selector does not match the {name} pods.");
            return;
        }

        var ports = (kubeService["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (!ports.Any(p => Str(p["port"]) == port?.ToString(System.Globalization.CultureInfo.InvariantCulture) && ResolvePort(container, Str(p["targetPort"]) ?? Str(p["port"])) == port))
        {
            problems.Add($"Service {name}: has no port {port} whose targetPort reaches the container's port {port}.");
        }
    }

    private static void CheckLinks(KubernetesModel model, DockerfileModel dockerfile, List<string> problems)
    {
        var orchestrator = model.Find("Deployment", "orchestrator") is { } o ? Containers(o).FirstOrDefault() : null;
        var index = orchestrator is null ? null : model.EffectiveEnvironment(orchestrator, dockerfile).GetValueOrDefault(DockerfileChecks.EnvName(ServiceCatalog.IndexKey));
        var links = ServiceCatalog.Links.ToList();
        if (index == "Qdrant")
        {
            links.Add(ServiceCatalog.QdrantLink);
        }

        foreach (var link in links)
        {
            var from = model.Find("Deployment", link.From) is { } d ? Containers(d).FirstOrDefault() : null;
            if (from is null)
            {
                continue;
            }

            var url = model.EffectiveEnvironment(from, dockerfile).GetValueOrDefault(DockerfileChecks.EnvName(link.Key));
            var name = $"Deployment {link.From}: {DockerfileChecks.EnvName(link.Key)}={url}";
            if (DnsTarget(url) is { } dns)
            {
                // dns:/// balances calls over the addresses the name resolves to: a ClusterIP Service resolves to one.
                if (!Reaches(model, dockerfile, dns, link.To, headless: true))
                {
                    problems.Add($"{name} does not name a headless Service (clusterIP: None) in front of {link.To}'s listen port.");
                }
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Reaches(model, dockerfile, uri, link.To, headless: false))
            {
                problems.Add($"{name} does not reach a Service in front of {link.To}'s listen port.");
            }
        }
    }

    /// <summary>http://host:port for a client-side balanced dns:///host:port address; null for any other.</summary>
    private static Uri? DnsTarget(string? url) =>
        url is not null && url.StartsWith("dns:///", StringComparison.Ordinal) && Uri.TryCreate("http://" + url["dns:///".Length..], UriKind.Absolute, out var target)
            ? target
            : null;

    /// <summary>
    /// True when the Service named by the URL's host has its port and sends it to the listen port of <paramref name="to"/>;
    /// a headless one (whose DNS name gives the pods' own addresses) must be headless, and the port the pods listen on.
    /// </summary>
    private static bool Reaches(KubernetesModel model, DockerfileModel dockerfile, Uri url, string to, bool headless)
    {
        var service = model.Find("Service", url.Host);
        var port = (service?["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(p => Str(p["port"]) == url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (service is null || port is null || headless != (Str(service["spec"]?["clusterIP"]) == "None"))
        {
            return false;
        }

        return model.Selected(Labels(service["spec"]?["selector"])).Any(w =>
            Str(w["metadata"]?["name"]) == to && Containers(w).FirstOrDefault() is { } c
            && ResolvePort(c, Str(port["targetPort"]) ?? Str(port["port"])) == ListenPort(model, dockerfile, w)
            && (!headless || url.Port == ListenPort(model, dockerfile, w)));
    }

    private static void CheckAutoscalers(KubernetesModel model, List<string> problems)
    {
        var scaled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hpa in model.Of("HorizontalPodAutoscaler"))
        {
            var target = hpa["spec"]?["scaleTargetRef"];
            var name = Str(target?["name"]) ?? "";
            var deployment = Str(target?["kind"]) == "Deployment" ? model.Find("Deployment", name) : null;
            var cpu = (hpa["spec"]?["metrics"] as JsonArray ?? []).OfType<JsonObject>()
                .Any(m => Str(m["resource"]?["name"]) == "cpu" && Str(m["resource"]?["target"]?["type"]) == "Utilization");
            if (deployment is null || !cpu)
            {
                problems.Add($"HorizontalPodAutoscaler {Str(hpa["metadata"]?["name"])}: must scale an existing Deployment on CPU utilization (targets {name}).");
                continue;
            }

            scaled.Add(name);
            if (Containers(deployment).Any(c => c["resources"]?["requests"]?["cpu"] is null))
            {
                problems.Add($"HorizontalPodAutoscaler {name}: CPU utilization needs a CPU request on every container of {name}.");
            }

            if (deployment["spec"]?["replicas"] is not null)
            {
                problems.Add($"Deployment {name}: sets replicas although an autoscaler owns the count (every apply would reset it).");
            }
        }

        foreach (var missing in Autoscaled.Except(scaled))
        {
            problems.Add($"HorizontalPodAutoscaler: none scales {missing}.");
        }
    }

    private static void CheckNetworkPolicies(KubernetesModel model, List<string> problems)
    {
        var policies = model.Of("NetworkPolicy").ToList();
        if (!policies.Any(p => p["spec"]?["podSelector"] is JsonObject { Count: 0 } && p["spec"]?["ingress"] is null))
        {
            problems.Add("NetworkPolicy: no default-deny ingress policy, so every pod takes traffic from anywhere.");
        }

        foreach (var policy in policies)
        {
            var name = Str(policy["metadata"]?["name"]);
            var selected = model.Selected(Labels(policy["spec"]?["podSelector"]?["matchLabels"])).ToList();
            if (selected.Count == 0)
            {
                problems.Add($"NetworkPolicy {name}: its podSelector matches no pods.");
            }

            foreach (var rule in (policy["spec"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (rule["from"] is null && selected.Any(w => Str(w["metadata"]?["name"]) != "gateway"))
                {
                    problems.Add($"NetworkPolicy {name}: admits traffic from anywhere to pods other than the gateway.");
                }

                foreach (var peer in (rule["from"] as JsonArray ?? []).OfType<JsonObject>().Where(p => p["podSelector"] is not null))
                {
                    if (!model.Selected(Labels(peer["podSelector"]?["matchLabels"])).Any())
                    {
                        problems.Add($"NetworkPolicy {name}: a 'from' podSelector matches no pods.");
                    }
                }

                var ports = selected.SelectMany(Containers).SelectMany(ContainerPorts).ToHashSet();
                foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p => Str(p["port"])))
                {
                    if (!int.TryParse(port, out var number) || !ports.Contains(number))
                    {
                        problems.Add($"NetworkPolicy {name}: port {port} is not a containerPort of the pods it selects.");
                    }
                }
            }
        }
    }
}
