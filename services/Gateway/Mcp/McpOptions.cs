namespace RagPlatform.Gateway.Mcp;

/// <summary>Limits of the MCP server's tools, section "Gateway:Mcp" (environment: Gateway__Mcp__MaxK etc.).</summary>
public sealed class McpOptions
{
    public const string SectionName = "Gateway:Mcp";

    /// <summary>Passages the search tool returns when the call names no k, and the most it may ask for.</summary>
    public int DefaultK { get; set; } = 5;

    public int MaxK { get; set; } = 50;

    /// <summary>Longest search query or question, in characters: an agent's tool call is no place for a document.</summary>
    public int MaxQueryCharacters { get; set; } = 4000;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(DefaultK), DefaultK), (nameof(MaxK), MaxK), (nameof(MaxQueryCharacters), MaxQueryCharacters) })
        {
            if (value < 1)
            {
                yield return $"{SectionName}:{name} must be positive (was {value}).";
            }
        }

        if (DefaultK > MaxK)
        {
            yield return $"{SectionName}:DefaultK ({DefaultK}) must not exceed {SectionName}:MaxK ({MaxK}).";
        }
    }
}
