namespace RagPlatform.Client;

/// <summary>An API key as listed: never its secret, which is shown once when it is created.</summary>
/// <param name="Collections">The collections it may use; "*" for all.</param>
public sealed record KeyResource(string Id, string Name, IReadOnlyList<string> Collections, bool Admin, DateTimeOffset CreatedAt);

/// <summary>The body of POST /v1/keys (admin keys only).</summary>
/// <param name="Collections">1 to 1000 collection names, or "*" for all.</param>
public sealed record CreateKeyRequest(string Name, IReadOnlyList<string> Collections)
{
    /// <summary>An admin key may manage keys and use every collection.</summary>
    public bool? Admin { get; init; }
}

/// <param name="Key">The secret, shown this once: the gateway stores only its hash.</param>
public sealed record CreatedKey(string Key, KeyResource Details);

public sealed record KeyList(IReadOnlyList<KeyResource> Keys);
