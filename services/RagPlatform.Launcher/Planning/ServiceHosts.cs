namespace RagPlatform.Launcher;

/// <summary>Where a service's built host is: a repository's build output, or a folder of published hosts.</summary>
public static class ServiceHosts
{
    private const string TargetFramework = "net10.0";

    /// <summary>services/&lt;Project&gt;/bin/&lt;configuration&gt;/net10.0/RagPlatform.&lt;Project&gt;.dll.</summary>
    public static string InRepository(string repositoryRoot, string configuration, PlatformService service) =>
        Path.Combine(repositoryRoot, "services", service.Project, "bin", configuration, TargetFramework, service.HostDllName);

    /// <summary>&lt;folder&gt;/&lt;Project&gt;/RagPlatform.&lt;Project&gt;.dll: one published host per subfolder.</summary>
    public static string InFolder(string folder, PlatformService service) => Path.Combine(folder, service.Project, service.HostDllName);
}
