namespace RagPlatform.Client;

/// <summary>
/// RFC 9457 problem details, as the gateway writes every refusal and failure (application/problem+json, and the
/// <c>error</c> event of a streamed answer), with the request id the gateway logged it under.
/// </summary>
public sealed record ApiProblem(int? Status, string? Title, string? Detail, string? RequestId)
{
    public string? Type { get; init; }

    public string? Instance { get; init; }
}
