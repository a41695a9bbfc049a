using System.Text.Json;

namespace RagPlatform.Bench.ModelRuntime;

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
            usage: ModelRuntime <command> [--option value ...]
              prepare-embed --model DIR --tokens 128 --count 32 --shared DIR --out FILE
              embed         --model DIR --inputs FILE --batch N --seconds S --threads T
              decode        --model DIR --prompt-tokens P --new-tokens N --threads T
              bandwidth     --mb M --seconds S --threads T
            """);
        return 2;
    }

    public string String(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int? fallback = null) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
        : fallback ?? throw new ArgumentException($"--{name} is required.");

    public static int Emit(object result)
    {
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Peak resident memory of this process (VmHWM), in KiB.</summary>
    public static long PeakResidentKb()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
