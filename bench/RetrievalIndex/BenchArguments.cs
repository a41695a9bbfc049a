using System.Globalization;
using System.Text.Json;

namespace RagPlatform.Bench.RetrievalIndex;

/// <summary>--name value pairs, with typed getters that name the missing option.</summary>
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

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: RetrievalIndex <command> [--option value ...]
              generate --out DIR --count N --queries Q [--dimensions 384] [--latent 48] [--clusters 1024] [--spread 1.0]
                       [--noise 0.03] [--seed S]
              truth    --data DIR --count N --k 10 --out FILE
              exact    --data DIR --count N --truth FILE [--passes P] [--max-queries Q]
              hnsw     --data DIR --count N --truth FILE --m M --ef-construction EC --ef-search "16 32 ..." [--passes P]
                       [--sync DIR --search-after "peer.built ..."]
            """);
        return 2;
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

    public static void Emit(object result) => Console.WriteLine(JsonSerializer.Serialize(result));

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
