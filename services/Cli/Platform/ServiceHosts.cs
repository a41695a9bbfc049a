using RagPlatform.Cli.CommandLine;
using RagPlatform.Launcher;
using Hosts = RagPlatform.Launcher.ServiceHosts;

namespace RagPlatform.Cli.Platform;

/// <summary>
/// Finds each service's built host: &lt;services&gt;/&lt;Project&gt;/RagPlatform.&lt;Project&gt;.dll with --services, else the
/// repository's build outputs services/&lt;Project&gt;/bin/&lt;configuration&gt;/net10.0/ (rag's own configuration first, then
/// Release), so a Debug-built rag runs Debug-built services and a release checkout runs Release ones.
/// </summary>
internal static class ServiceHosts
{
    /// <returns>The host dll of every service.</returns>
    /// <exception cref="CliException">A host is not built (with the command that builds it).</exception>
    public static IReadOnlyDictionary<PlatformService, string> Locate(CliEnvironment environment, string? servicesDirectory)
    {
        var found = new Dictionary<PlatformService, string>();
        var missing = new List<string>();
        var repo = environment.RepositoryRoot();
        foreach (var service in PlatformServices.All)
        {
            var candidates = Candidates(environment, repo, servicesDirectory, service).ToList();
            if (candidates.FirstOrDefault(File.Exists) is { } dll)
            {
                found[service] = dll;
            }
            else
            {
                missing.Add(candidates.FirstOrDefault() ?? service.HostDllName);
            }
        }

        if (missing.Count > 0)
        {
            throw CliException.Unavailable(
                $"The service hosts are not built: {string.Join(", ", missing)} not found.",
                servicesDirectory is null
                    ? $"Build them with `dotnet build {(repo is null ? "RagPlatform.sln" : Path.Combine(repo, "RagPlatform.sln"))} -c Release`, or pass --services DIR."
                    : "--services must hold one folder per service (Embedder/, Reranker/, Generator/, Orchestrator/, Gateway/) with its built host.");
        }

        return found;
    }

    private static IEnumerable<string> Candidates(CliEnvironment environment, string? repo, string? servicesDirectory, PlatformService service)
    {
        if (servicesDirectory is not null)
        {
            yield return Hosts.InFolder(environment.FullPath(servicesDirectory), service);
            yield break;
        }

        if (repo is null)
        {
            yield break;
        }

        foreach (var configuration in new[] { environment.OwnBuildConfiguration(), "Release" }.OfType<string>().Distinct())
        {
            yield return Hosts.InRepository(repo, configuration, service);
        }
    }
}
