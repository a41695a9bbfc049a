using System.Globalization;
using System.Text.Json;

namespace RagPlatform.Bench;

/// <summary>
/// --name value pairs, with typed getters that name the missing option, and the JSON-line and memory helpers the
/// benchmark programs share. Linked into each bench project (see their .csproj).
/// </summary>
internal sealed class BenchArguments(Dictionary<string, string> values)
{
    public static BenchArguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current.StartsWith("--", StringComparison.Ordinal) ? e.Current[2..] : throw new ArgumentException($"Unexpected argument '{e.Current}'.");
            values[name] = e.MoveNext() ? e.Current : throw new ArgumentException($"--{name} needs a value.");
        }

        return new BenchArguments(values);
    }

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public string String(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int? fallback = null) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required.");

    public double Double(string name, double fallback) =>
        values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public int[] Ints(string name) =>
        [.. String(name).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

    /// <summary>Prints the result as one JSON line; returns 0, the exit code of a command that got this far.</summary>
    public static int Emit(object result)
    {
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Peak resident memory of this process (VmHWM), in KiB.</summary>
    public static long PeakResidentKb() => StatusKb("VmHWM:");

    /// <summary>Current resident memory of this process (VmRSS), in KiB.</summary>
    public static long ResidentKb() => StatusKb("VmRSS:");

    private static long StatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
