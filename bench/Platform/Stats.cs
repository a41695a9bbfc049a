namespace RagPlatform.Bench.Platform;

/// <summary>Summary statistics over samples in milliseconds.</summary>
internal static class Stats
{
    /// <summary>Nearest-rank percentile (p in 0..100); NaN for no samples.</summary>
    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Mean(IEnumerable<double> values)
    {
        var list = values as IReadOnlyCollection<double> ?? [.. values];
        return list.Count == 0 ? double.NaN : list.Average();
    }

    /// <summary>/proc/loadavg's 1, 5 and 15-minute figures, as printed.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
