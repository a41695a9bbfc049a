using System.Globalization;
using System.Text.Json;

namespace RagPlatform.Bench.Ingestion;

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
            usage: Ingestion ingest --docs DIR --model DIR --work DIR --threads T [--concurrency C] [--max-docs N]
                                    [--sample-chunks N] --sample-out FILE
                   Ingestion embed-sample --model DIR --inputs FILE --threads T
            """);
        return 2;
    }

    public string String(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int? fallback = null) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required.");

    public static void Emit(object result) => Console.WriteLine(JsonSerializer.Serialize(result));

    /// <summary>Peak resident memory of this process (VmHWM), in KiB.</summary>
    public static long PeakResidentKb() => StatusKb("VmHWM:");

    private static long StatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
