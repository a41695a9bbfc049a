using System.Text;
using Xunit.Abstractions;

namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>Counts inputs whose results are identical, prints "… parity: N/M identical" and fails with the first differences.</summary>
internal sealed class ParityReport(string name, ITestOutputHelper output)
{
    private readonly List<string> _differences = [];
    private int _total;
    private int _identical;

    public int Total => _total;

    /// <summary>Records one input; each argument is a difference description from <see cref="Diff{T}"/>/<see cref="DiffText"/> or null.</summary>
    public void Add(string input, params string?[] differences)
    {
        _total++;
        var found = differences.OfType<string>().ToList();
        if (found.Count == 0)
        {
            _identical++;
            return;
        }

        _differences.Add($"for {Describe(input)}:\n  {string.Join("\n  ", found)}");
    }

    public static string? Diff<T>(string what, IReadOnlyList<T>? expected, IReadOnlyList<T>? actual) =>
        expected is not null && actual is not null && expected.SequenceEqual(actual)
            ? null
            : $"{what}: expected [{Join(expected)}]\n  {new string(' ', what.Length)}  actual   [{Join(actual)}]";

    public static string? DiffText(string what, string? expected, string? actual) =>
        string.Equals(expected, actual, StringComparison.Ordinal)
            ? null
            : $"{what}: expected {Describe(expected)}\n  {new string(' ', what.Length)}  actual   {Describe(actual)}";

    public void Assert()
    {
        output.WriteLine($"{name} parity: {_identical:N0}/{_total:N0} identical");
        Xunit.Assert.True(_total > 0, $"{name}: nothing was compared");
        Xunit.Assert.True(_identical == _total,
            $"{name} parity: {_identical:N0}/{_total:N0} identical; first differences:\n{string.Join("\n", _differences.Take(8))}");
    }

    public static string Describe(string? text)
    {
        if (text is null)
        {
            return "(null)";
        }

        var shown = text.Length > 160 ? text[..160] + "…" : text;
        var escaped = new StringBuilder();
        foreach (var c in shown)
        {
            escaped.Append(c < 0x20 || c is >= '\u007F' and <= '\u00A0' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return $"\"{escaped}\" (length {text.Length})";
    }

    private static string Join<T>(IReadOnlyList<T>? values) => values is null ? "(none)" : string.Join(",", values);
}
