using System.CommandLine;
using System.Text.RegularExpressions;

namespace RagPlatform.Cli.CommandLine;

/// <summary>--collection, checked against the gateway's naming rule at parse time so a typo fails before any upload.</summary>
internal static partial class CollectionOption
{
    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    public static Option<string> Create(bool required, string? defaultName = null)
    {
        var option = new Option<string>("--collection", "-c")
        {
            Description = "Collection name (1 to 64 of a-z, 0-9, '_' and '-')." + (defaultName is null ? "" : $" Default: {defaultName}."),
            Required = required,
        };
        if (defaultName is not null)
        {
            option.DefaultValueFactory = _ => defaultName;
        }

        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && !NamePattern().IsMatch(name))
            {
                result.AddError($"--collection '{name}' is not a collection name: use 1 to 64 of a-z, 0-9, '_' and '-'.");
            }
        });
        return option;
    }
}
