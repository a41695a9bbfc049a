using System.Text.RegularExpressions;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Infrastructure;

/// <summary>
/// Checks deploy/docker/Dockerfile against the services. Each check returns readable problems instead of asserting, so
/// the tests can run it on the real file (expecting none) and on deliberately broken copies (expecting one).
/// </summary>
public static partial class DockerfileChecks
{
    public const string ProbeProject = "services/RagPlatform.HealthProbe/RagPlatform.HealthProbe.csproj";

    public static string DockerfilePath => Path.Combine(TestPaths.RepoRoot, "deploy", "docker", "Dockerfile");

    public static IReadOnlyList<string> Check(DockerfileModel dockerfile, IEnumerable<ServiceSpec> services)
    {
        var problems = new List<string>();
        foreach (var service in services)
        {
            CheckTarget(dockerfile, service, problems);
        }

        CheckRestoreLayer(dockerfile, problems);
        return problems;
    }

    /// <summary>The configuration key written as an environment variable name.</summary>
    public static string EnvName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>The port a service listens on as its image configures it, or null.</summary>
    public static int? ListenPort(DockerfileModel dockerfile, ServiceSpec service) =>
        dockerfile.Environment(service.Name).TryGetValue(EnvName(service.ListenKey), out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Port : null;

    private static void CheckTarget(DockerfileModel dockerfile, ServiceSpec service, List<string> problems)
    {
        var name = service.Name;
        if (dockerfile.Stage(name) is null)
        {
            problems.Add($"Dockerfile: no target '{name}'.");
            return;
        }

        var env = dockerfile.Environment(name);
        foreach (var key in env.Keys.Where(k => !service.Schema.AcceptsEnvironmentVariable(k)))
        {
            problems.Add($"target {name}: ENV {key} is not a configuration key {name} reads.");
        }

        int? port = null;
        if (!env.TryGetValue(EnvName(service.ListenKey), out var listen) || !Uri.TryCreate(listen, UriKind.Absolute, out var listenUri))
        {
            problems.Add($"target {name}: ENV {EnvName(service.ListenKey)} (its listen address) is missing or not a URL.");
        }
        else
        {
            port = listenUri.Port;
            if (listenUri.Host != "0.0.0.0")
            {
                problems.Add($"target {name}: listens on {listenUri.Host}, not on all interfaces (0.0.0.0): unreachable from other containers.");
            }

            if (!dockerfile.ExposedPorts(name).Contains(listenUri.Port))
            {
                problems.Add($"target {name}: EXPOSE does not list its port {listenUri.Port}.");
            }
        }

        CheckUser(dockerfile.User(name), name, problems);
        CheckHealthcheck(dockerfile, service, port, problems);
        CheckEntrypoint(dockerfile, service, problems);

        if (!env.TryGetValue("Logging__Json", out var json) || !json.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"target {name}: logs are not JSON (Logging__Json=true).");
        }

        CheckOnnxRuntime(service, problems);
        if (service.ModelDirectoryKey is { } modelKey && (!env.TryGetValue(EnvName(modelKey), out var models) || !models.StartsWith(ServiceCatalog.ModelsMount + "/", StringComparison.Ordinal)))
        {
            problems.Add($"target {name}: {EnvName(modelKey)} must point under {ServiceCatalog.ModelsMount}/ (the read-only model mount).");
        }

        if (service.DataDirectoryKey is { } dataKey && (!env.TryGetValue(EnvName(dataKey), out var data) || !data.StartsWith("/data/", StringComparison.Ordinal)))
        {
            problems.Add($"target {name}: {EnvName(dataKey)} must be an absolute path under /data/ (a volume), not inside the app folder.");
        }
    }

    private static void CheckUser(string? user, string name, List<string> problems)
    {
        var uid = user?.Split(':')[0];
        if (uid is null or "root" or "0")
        {
            problems.Add($"target {name}: runs as root (no USER, or USER {user}).");
        }
        else if (!uid.All(char.IsAsciiDigit))
        {
            problems.Add($"target {name}: USER {user} is a name; use the numeric uid so Kubernetes' runAsNonRoot can verify it.");
        }
    }

    private static void CheckHealthcheck(DockerfileModel dockerfile, ServiceSpec service, int? port, List<string> problems)
    {
        var name = service.Name;
        var command = dockerfile.HealthcheckCommand(name);
        if (command is null)
        {
            problems.Add($"target {name}: no HEALTHCHECK (exec form).");
            return;
        }

        var probeDll = PublishedTo(dockerfile, name, ProbeProject) is { } probeDir ? $"{probeDir}/{ServiceCatalog.AssemblyNameOf(Path.Combine(TestPaths.RepoRoot, ProbeProject))}.dll" : null;
        if (command.Count < 4 || command[0] != "dotnet" || command[1] != probeDll)
        {
            problems.Add($"target {name}: HEALTHCHECK must run the health probe the image contains ({probeDll ?? "no probe published into the image"}), not '{string.Join(' ', command)}'.");
            return;
        }

        var expectedKind = service.Health == HealthKind.Grpc ? "grpc" : "http";
        if (command[2] != expectedKind || !Uri.TryCreate(command[3], UriKind.Absolute, out var target))
        {
            problems.Add($"target {name}: HEALTHCHECK must probe {expectedKind} with an absolute URL (was '{string.Join(' ', command.Skip(2))}').");
            return;
        }

        if (target.Port != port || !target.IsLoopback)
        {
            problems.Add($"target {name}: HEALTHCHECK probes {target.Host}:{target.Port}, but the service listens on port {port} (probe it on loopback).");
        }

        if (service.Health == HealthKind.Grpc && (command.Count != 5 || !service.HealthServices.Contains(command[4])))
        {
            problems.Add($"target {name}: HEALTHCHECK asks for health service '{(command.Count > 4 ? command[4] : "")}', but {name} registers {string.Join(", ", service.HealthServices)}.");
        }

        if (service.Health == HealthKind.Http && target.AbsolutePath != service.LivenessPath)
        {
            problems.Add($"target {name}: HEALTHCHECK probes {target.AbsolutePath}, but the service's liveness endpoint is {service.LivenessPath}.");
        }
    }

    private static void CheckEntrypoint(DockerfileModel dockerfile, ServiceSpec service, List<string> problems)
    {
        var name = service.Name;
        var relativeProject = ServiceCatalog.Relative(service.ProjectPath);
        if (!File.Exists(Path.Combine(TestPaths.RepoRoot, relativeProject)))
        {
            problems.Add($"target {name}: project {relativeProject} does not exist.");
        }

        var appDir = PublishedTo(dockerfile, name, relativeProject);
        var expected = $"{appDir}/{service.AssemblyName}.dll";
        var entrypoint = dockerfile.Entrypoint(name);
        if (appDir is null)
        {
            problems.Add($"target {name}: no COPY brings in the output of `dotnet publish {relativeProject}`.");
        }
        else if (entrypoint is not ["dotnet", var dll] || dll != expected)
        {
            problems.Add($"target {name}: ENTRYPOINT must be [\"dotnet\", \"{expected}\"] (was {(entrypoint is null ? "none" : string.Join(' ', entrypoint))}).");
        }
    }

    /// <summary>
    /// A model service's image gets ONNX Runtime from its publish output: some project it is built from must reference the
    /// Microsoft.ML.OnnxRuntime package (whose native engine the publish copies); nothing may point at a library elsewhere.
    /// </summary>
    private static void CheckOnnxRuntime(ServiceSpec service, List<string> problems)
    {
        if (service.UsesModels && !ServiceCatalog.ReferencesOnnxRuntime(service.ProjectPath))
        {
            problems.Add($"target {service.Name}: no project {ServiceCatalog.Relative(service.ProjectPath)} is built from references the Microsoft.ML.OnnxRuntime package, so its publish output carries no ONNX Runtime.");
        }
    }

    private static void CheckRestoreLayer(DockerfileModel dockerfile, List<string> problems)
    {
        var restore = dockerfile.Stages.FirstOrDefault(s => s.All("RUN").Any(r => r.Arguments.Contains("dotnet restore", StringComparison.Ordinal)));
        if (restore is null)
        {
            problems.Add("Dockerfile: no stage runs `dotnet restore` on the project files alone.");
            return;
        }

        var copied = dockerfile.Copies(restore.Name).Where(c => c.From is null).SelectMany(c => c.Sources).ToHashSet(StringComparer.Ordinal);
        var restored = restore.All("RUN").SelectMany(r => RestoreArgument().Matches(r.Arguments)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var roots = ServiceCatalog.All.Select(s => ServiceCatalog.Relative(s.ProjectPath)).Append(ProbeProject).ToList();
        foreach (var project in roots.SelectMany(ServiceCatalog.ProjectClosure).Distinct().Where(p => !copied.Contains(p)))
        {
            problems.Add($"stage {restore.Name}: {project} is referenced by a host but not copied before `dotnet restore`.");
        }

        foreach (var project in roots.Where(p => !restored.Contains(p)))
        {
            problems.Add($"stage {restore.Name}: {project} is not restored.");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "NuGet.Config" }.Where(f => !copied.Contains(f)))
        {
            problems.Add($"stage {restore.Name}: {file} is not copied, so the build would not match the repository's.");
        }
    }

    /// <summary>The folder a target copies the publish output of <paramref name="project"/> into, or null.</summary>
    private static string? PublishedTo(DockerfileModel dockerfile, string target, string project)
    {
        foreach (var copy in dockerfile.Copies(target).Where(c => c.From is not null))
        {
            var stage = dockerfile.Stage(copy.From!);
            var publishes = stage?.All("RUN").Select(r => PublishCommand().Match(r.Arguments))
                .Any(m => m.Success && m.Groups["project"].Value == project && m.Groups["out"].Value.TrimEnd('/') == copy.Sources.Single().TrimEnd('/'));
            if (publishes == true)
            {
                return copy.Destination.TrimEnd('/');
            }
        }

        return null;
    }

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)\b.*?\s-o\s+(?<out>\S+)")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"dotnet restore (\S+\.csproj)")]
    private static partial Regex RestoreArgument();

}
