using System.Text.Json;
using RagPlatform.Launcher;

namespace RagPlatform.Cli.Platform;

/// <summary>One process `rag up` planned: where it listens, its host, and its pid once launched.</summary>
internal sealed record ServiceRecord(string Name, int Port, string HostDll, int? Pid = null);

/// <summary>
/// &lt;state&gt;/platform.json: the platform `rag up` planned and the pids of what it launched, so status, down, a
/// later up (which replaces what died, on the same ports), ingest and ask find it again. Secrets are not in it: the
/// admin key and the internal token stay in their own owner-only files.
/// </summary>
internal sealed record PlatformRecord(
    string GatewayUrl,
    string ModelsDirectory,
    string DataDirectory,
    bool InternalToken,
    IReadOnlyList<ServiceRecord> Services,
    IReadOnlyDictionary<string, string>? ModelDirectories = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static PlatformRecord Of(PlatformPlan plan, PlatformOptions options) => new(plan.GatewayUrl, options.ModelsDirectory!,
        options.DataDirectory, options.SharedToken is not null, [.. plan.Services.Select(s => new ServiceRecord(s.Instance.Name, s.Port, s.HostDll))],
        options.ModelDirectories.ToDictionary(m => m.Key.Name, m => m.Value, StringComparer.Ordinal));

    public PlatformRecord WithPid(ServiceInstance instance, int pid) =>
        this with { Services = [.. Services.Select(s => s.Name == instance.Name ? s with { Pid = pid } : s)] };

    /// <summary>The options that plan the same platform again: same hosts, ports, models, data, key and token.</summary>
    public PlatformOptions Options(string? apiKey, string? sharedToken)
    {
        var instances = Services.Select(s => (Instance: ServiceInstance.Parse(s.Name), Record: s)).Where(s => s.Instance is not null).ToList();
        return new PlatformOptions(DataDirectory)
        {
            HostDlls = instances.Where(s => s.Instance!.Value.Replica == 0).ToDictionary(s => s.Instance!.Value.Service, s => s.Record.HostDll),
            ModelsDirectory = ModelsDirectory,
            ModelDirectories = PlatformServices.ModelServices.Where(s => ModelDirectories?.ContainsKey(s.Name) == true)
                .ToDictionary(s => s, s => ModelDirectories![s.Name]),
            Ports = instances.ToDictionary(s => s.Instance!.Value, s => s.Record.Port),
            ApiKey = apiKey,
            SharedToken = InternalToken ? sharedToken : null,
        };
    }

    /// <returns>The record, or null when the file does not exist.</returns>
    /// <exception cref="JsonException">The file is damaged.</exception>
    public static PlatformRecord? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<PlatformRecord>(File.ReadAllText(path), Json) : null;

    public void Write(string path)
    {
        // Write then rename, so a reader never sees half a file.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }
}
