using System.Text.Json;

namespace RagPlatform.Cli.Platform;

/// <summary>One started service as `rag up` recorded it.</summary>
internal sealed record ServiceRecord(string Name, int Pid, int Port, string Url, string HostDll);

/// <summary>
/// &lt;state&gt;/platform.json: what `rag up` started, so status, down, ingest and ask find it again. The pid files in
/// &lt;state&gt;/pids/ stay the authority on which processes exist; this adds their ports and addresses.
/// </summary>
internal sealed record PlatformRecord(
    string GatewayUrl,
    string ModelsDirectory,
    string DataDirectory,
    DateTimeOffset StartedAt,
    IReadOnlyList<ServiceRecord> Services)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public ServiceRecord? Service(string name) => Services.FirstOrDefault(s => s.Name == name);

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
