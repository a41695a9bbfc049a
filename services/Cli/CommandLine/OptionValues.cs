using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RagPlatform.Cli.CommandLine;

/// <summary>Validators shared by commands, so every bad value is refused at parse time with the option's name.</summary>
internal static class OptionValues
{
    public static Option<T> Positive<T>(this Option<T> option)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>().CompareTo(default) <= 0)
            {
                result.AddError($"{option.Name} must be positive (was {result.GetValueOrDefault<T>()}).");
            }
        });
        return option;
    }

    public static Option<T?> Positive<T>(this Option<T?> option)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T?>() is { } value && value.CompareTo(default) <= 0)
            {
                result.AddError($"{option.Name} must be positive (was {value}).");
            }
        });
        return option;
    }

    public static Option<int?> InRange(this Option<int?> option, int min, int max)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && (value < min || value > max))
            {
                result.AddError($"{option.Name} must be from {min} to {max} (was {value}).");
            }
        });
        return option;
    }

    public static Option<int> Port(this Option<int> option, bool allowZero)
    {
        option.Validators.Add(result =>
        {
            var port = result.GetValueOrDefault<int>();
            if (port is < 0 or > 65535 || (port == 0 && !allowZero))
            {
                result.AddError($"{option.Name} must be a TCP port, {(allowZero ? 0 : 1)} to 65535 (was {port}).");
            }
        });
        return option;
    }

    /// <summary>A comma-separated list of distinct positive integers ("1,5,20"), sorted; errors name the option.</summary>
    public static IReadOnlyList<int> ParseCutoffs(ArgumentResult result, int max)
    {
        var values = new SortedSet<int>();
        foreach (var token in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1 || k > max)
            {
                result.AddError($"--k takes whole numbers from 1 to {max}, comma-separated (got '{token}').");
                return [];
            }

            values.Add(k);
        }

        if (values.Count == 0)
        {
            result.AddError("--k needs at least one cutoff, e.g. 1,5,20.");
        }

        return [.. values];
    }
}
