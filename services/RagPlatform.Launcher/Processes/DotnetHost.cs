using System.Diagnostics;

namespace RagPlatform.Launcher;

/// <summary>The dotnet executable that runs the hosts, and the environment a host is started with.</summary>
public static class DotnetHost
{
    /// <summary>The dotnet running this process when it runs as `dotnet x.dll`, else $DOTNET_HOST_PATH, else "dotnet" on PATH.</summary>
    public static string Path { get; } =
        Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    /// <summary>Sets each variable on <paramref name="start"/>; a null value removes one inherited from this process.</summary>
    internal static void Apply(ProcessStartInfo start, IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
    }
}
