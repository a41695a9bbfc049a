using System.Text.Json;
using System.Text.Json.Serialization;
using RagPlatform.Testing;

namespace RagPlatform.Bench.Platform;

/// <summary>Writes a run's results under artifacts/bench/platform: NAME.md (the tables), NAME.json, NAME-warnings.log.</summary>
internal static class ResultFiles
{
    // A level with no successful sample has NaN percentiles: written as "NaN" rather than failing the run.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<string> WriteAsync<T>(BenchSettings settings, string name, string markdown, T data, IReadOnlyList<string> warnings,
        CancellationToken cancellationToken)
    {
        var directory = Path.Combine(TestPaths.RepoRoot, settings.OutputDirectory);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.json"), JsonSerializer.Serialize(data, Json), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(directory, $"{name}-warnings.log"), warnings, cancellationToken);
        return directory;
    }
}
