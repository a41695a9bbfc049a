namespace RagPlatform.Gateway.Auth;

/// <summary>
/// An API key as stored: never the key itself, only its SHA-256. <see cref="Collections"/> lists the collections the
/// key may use ("*" for all); an <see cref="Admin"/> key may also manage keys.
/// </summary>
public sealed record ApiKey(string Id, string Name, IReadOnlyList<string> Collections, bool Admin, DateTimeOffset CreatedAt)
{
    public const string AllCollections = "*";

    public bool CanUse(string collection) => Collections.Contains(AllCollections) || Collections.Contains(collection);
}
