using System.Net;

namespace RagPlatform.Client;

/// <summary>
/// The gateway refused a request or failed it: its HTTP status and its problem details (title, detail, request id).
/// A failure part-way through a streamed answer arrives as one too. Connection failures stay
/// <see cref="HttpRequestException"/>s, timeouts <see cref="TaskCanceledException"/>s, as HttpClient raises them.
/// </summary>
public sealed class RagPlatformException : Exception
{
    public RagPlatformException(HttpStatusCode statusCode, ApiProblem? problem, TimeSpan? retryAfter = null)
        : base(Describe(statusCode, problem))
    {
        StatusCode = statusCode;
        Title = problem?.Title;
        Detail = problem?.Detail;
        RequestId = problem?.RequestId;
        RetryAfter = retryAfter;
    }

    public HttpStatusCode StatusCode { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>The gateway's id of the request: quote it to whoever reads the gateway's logs.</summary>
    public string? RequestId { get; }

    /// <summary>For 429 and 503: when the gateway said to come back.</summary>
    public TimeSpan? RetryAfter { get; }

    internal static RagPlatformException FromStream(ApiProblem problem) =>
        new((HttpStatusCode)(problem.Status ?? (int)HttpStatusCode.InternalServerError), problem);

    private static string Describe(HttpStatusCode statusCode, ApiProblem? problem) => problem switch
    {
        { Detail: { Length: > 0 } detail } => detail,
        { Title: { Length: > 0 } title } => title,
        _ => $"The gateway answered HTTP {(int)statusCode}.",
    };
}
