using System.Globalization;
using System.Text.Json;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Platform;

/// <summary>A service as the state directory knows it: its pid file, whether that pid still runs the service, and where it listens.</summary>
internal sealed record KnownService(PlatformService Service, int? Pid, bool Alive, int? Port, string? Url)
{
    public string HostDllName => Service.AssemblyName + ".dll";
}

/// <summary>Reads and writes the pid files and platform record in the state directory.</summary>
internal static class PlatformState
{
    public static IReadOnlyList<KnownService> Read(RagHome home)
    {
        var record = ReadRecord(home);
        return [.. PlatformService.All.Select(service =>
        {
            var pid = ReadPid(home.PidFile(service.Name));
            var recorded = record?.Service(service.Name);
            var alive = pid is { } p && ProcessControl.IsRunning(p, service.AssemblyName + ".dll");
            return new KnownService(service, pid, alive, recorded?.Port, recorded?.Url);
        })];
    }

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

    public static void WritePid(RagHome home, PlatformService service, int pid)
    {
        Directory.CreateDirectory(home.PidDirectory);
        File.WriteAllText(home.PidFile(service.Name), pid.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    public static void Forget(RagHome home, PlatformService service)
    {
        if (File.Exists(home.PidFile(service.Name)))
        {
            File.Delete(home.PidFile(service.Name));
        }
    }

    public static void ForgetAll(RagHome home)
    {
        foreach (var service in PlatformService.All)
        {
            Forget(home, service);
        }

        if (File.Exists(home.PlatformFile))
        {
            File.Delete(home.PlatformFile);
        }
    }

    private static int? ReadPid(string path)
    {
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
