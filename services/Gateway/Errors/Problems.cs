using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using RagPlatform.Client;
using RagPlatform.Contracts;
using RagPlatform.Storage;

namespace RagPlatform.Gateway.Errors;

/// <summary>A request the gateway refuses, carried to the one place that writes problem+json.</summary>
public sealed class GatewayProblem(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public static GatewayProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static GatewayProblem NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static GatewayProblem Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static GatewayProblem TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    public static GatewayProblem UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);
}

/// <summary>
/// The gateway's one mapping from failures to problem+json: its own refusals keep their status, and the
/// orchestrator's gRPC statuses map as a client would expect (a down dependency, the shared database included, is
/// 503, a timeout 504). Anything
/// else is a 500 whose detail says nothing of the exception.
/// </summary>
public static class Problems
{
    public static ProblemDetails From(Exception exception, HttpContext context) => exception switch
    {
        GatewayProblem problem => Create(problem.Status, problem.Title, problem.Message, context),
        RpcException rpc => FromRpc(rpc, context),
        BadHttpRequestException bad => Create(bad.StatusCode, "Bad request", bad.Message, context),
        StoreUnavailableException down => Create(StatusCodes.Status503ServiceUnavailable, "Service unavailable", down.Message, context),
        _ => Create(StatusCodes.Status500InternalServerError, "Internal error", "The gateway failed to handle the request; the request id is in the logs.", context),
    };

    public static ProblemDetails FromRpc(RpcException exception, HttpContext context)
    {
        var status = exception.Status;
        var reason = ErrorReasons.Of(exception);
        var (code, title) = status.StatusCode switch
        {
            StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition => (400, "Bad request"),
            StatusCode.NotFound => (404, "Not found"),
            StatusCode.AlreadyExists => (409, "Conflict"),
            StatusCode.PermissionDenied => (403, "Forbidden"),
            StatusCode.ResourceExhausted when reason == ErrorReasons.DiskFull => (507, "Insufficient storage"),
            StatusCode.ResourceExhausted when reason == ErrorReasons.TooLarge => (413, "Payload too large"),
            StatusCode.ResourceExhausted => (429, "Too many requests"),
            StatusCode.DeadlineExceeded => (504, "Gateway timeout"),
            StatusCode.Cancelled => (499, "Client closed request"),
            StatusCode.Unimplemented => (501, "Not implemented"),
            // UNAUTHENTICATED from an internal service means the internal token is misconfigured: the caller did nothing wrong.
            _ => (503, "Service unavailable"),
        };
        return Create(code, title, status.Detail.Length > 0 ? status.Detail : $"The orchestrator answered {status.StatusCode}.", context);
    }

    public static ProblemDetails Create(int status, string title, string detail, HttpContext context)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path };
        problem.Extensions["requestId"] = context.TraceIdentifier;
        return problem;
    }

    /// <summary>The problem as the clients' record, for the <c>error</c> event of a streamed answer.</summary>
    public static ApiProblem ToApiProblem(ProblemDetails problem) =>
        new(problem.Status, problem.Title, problem.Detail, problem.Extensions.TryGetValue("requestId", out var id) ? id as string : null)
        {
            Type = problem.Type,
            Instance = problem.Instance,
        };

    /// <summary>Writes <paramref name="problem"/> as application/problem+json (as OpenAI's error object under /openai).</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        if (OpenAi.OpenAiErrors.Applies(context))
        {
            // The OpenAI-compatible routes answer every refusal, the shared ones included, with OpenAI's error object.
            return OpenAi.OpenAiErrors.WriteAsync(context, problem);
        }

        context.Response.StatusCode = problem.Status ?? 500;
        return context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json", context.RequestAborted);
    }
}
