using System.Text.Json;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Launcher;

namespace RagPlatform.Cli.Platform;

/// <summary>The platform `rag up` left in the state directory, as a launcher that can see, stop or complete it.</summary>
internal sealed record RecordedPlatform(PlatformRecord Record, PlatformLauncher Launcher) : IAsyncDisposable
{
    /// <summary>Instances whose recorded pid still runs their host.</summary>
    public IReadOnlyList<ServiceLaunch> Running => [.. Launcher.Plan.Services.Where(s => Launcher[s.Instance] is { IsRunning: true })];

    public ValueTask DisposeAsync() => Launcher.DisposeAsync();
}

/// <summary>Reads and writes the platform record in the state directory.</summary>
internal static class PlatformState
{
    /// <returns>The record, or null when there is none or it cannot be read (a damaged record is the same as none to a reader).</returns>
    public static PlatformRecord? ReadRecord(RagHome home)
    {
        try
        {
            return PlatformRecord.Read(home.PlatformFile);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The recorded platform with every process that still runs adopted; null when nothing was recorded or the record
    /// no longer plans (a host moved, say).
    /// </summary>
    public static RecordedPlatform? Open(RagHome home, LaunchSettings settings)
    {
        if (ReadRecord(home) is not { } record)
        {
            return null;
        }

        PlatformPlan plan;
        try
        {
            plan = PlatformPlan.Create(record.Options(Secret(home.ApiKeyFile), Secret(home.GrpcTokenFile)));
        }
        catch (ArgumentException)
        {
            return null;
        }

        var launcher = new PlatformLauncher(plan, settings);
        foreach (var service in record.Services)
        {
            if (ServiceInstance.Parse(service.Name) is { } instance && service.Pid is { } pid
                && DetachedProcess.Find(pid, service.HostDll, home.LogFile(service.Name)) is { } process)
            {
                launcher.Adopt(instance, process);
            }
        }

        return new RecordedPlatform(record, launcher);
    }

    public static void Forget(RagHome home)
    {
        if (File.Exists(home.PlatformFile))
        {
            File.Delete(home.PlatformFile);
        }
    }

    private static string? Secret(string path) => File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } secret ? secret : null;
}
