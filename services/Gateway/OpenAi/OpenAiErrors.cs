using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.OpenAi;

/// <summary>A request the OpenAI-compatible API refuses, with OpenAI's type, code and the field it names.</summary>
internal sealed class OpenAiException(int status, string message, string? param = null, string? code = null) : Exception(message)
{
    public int Status { get; } = status;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public static OpenAiException Invalid(string message, string? param) => new(StatusCodes.Status400BadRequest, message, param);

    public static OpenAiException ModelNotFound(string model) => new(StatusCodes.Status404NotFound,
        $"The model '{model}' does not exist or you do not have access to it; GET /openai/v1/models lists the models this key may use.", "model", "model_not_found");
}

/// <summary>
/// Every failure on /openai routes as OpenAI's error object <c>{"error":{"message","type","param","code"}}</c> with the
/// status OpenAI would answer: 400 invalid_request_error, 401 invalid_api_key, 403, 404 model_not_found, 429, 503 —
/// never problem+json. The gateway's shared refusals (a missing key, a rate limit, an orchestrator status) are
/// translated here from the problem the rest of the gateway would have written.
/// </summary>
internal static class OpenAiErrors
{
    public const string RoutePrefix = "/openai";

    public static bool Applies(HttpContext context) => context.Request.Path.StartsWithSegments(RoutePrefix, StringComparison.OrdinalIgnoreCase);

    public static (int Status, OpenAiErrorBody Body) From(Exception exception, HttpContext context) => exception switch
    {
        OpenAiException e => (e.Status, new OpenAiErrorBody(e.Message, TypeOf(e.Status), e.Param, e.Code ?? CodeOf(e.Status))),
        _ => FromProblem(Problems.From(exception, context)),
    };

    public static (int Status, OpenAiErrorBody Body) FromProblem(ProblemDetails problem)
    {
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        return (status, new OpenAiErrorBody(problem.Detail ?? problem.Title ?? "The request failed.", TypeOf(status), null, CodeOf(status)));
    }

    public static Task WriteAsync(HttpContext context, Exception exception) => WriteAsync(context, From(exception, context));

    public static Task WriteAsync(HttpContext context, ProblemDetails problem) => WriteAsync(context, FromProblem(problem));

    /// <summary>The error as OpenAI streams it once a stream has begun: one <c>data:</c> event with the error object.</summary>
    public static async Task WriteEventAsync(HttpContext context, RpcException exception)
    {
        var (_, body) = From(exception, context);
        await OpenAiStream.WriteAsync(context.Response.Body, new OpenAiErrorEnvelope(body), OpenAiJsonContext.Default.OpenAiErrorEnvelope, context.RequestAborted);
    }

    private static Task WriteAsync(HttpContext context, (int Status, OpenAiErrorBody Body) error)
    {
        context.Response.StatusCode = error.Status;
        return context.Response.WriteAsJsonAsync(new OpenAiErrorEnvelope(error.Body), OpenAiJsonContext.Default.OpenAiErrorEnvelope, contentType: null, context.RequestAborted);
    }

    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_request_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string? CodeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_api_key",
        StatusCodes.Status403Forbidden => "permission_denied",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
        StatusCodes.Status503ServiceUnavailable => "service_unavailable",
        StatusCodes.Status504GatewayTimeout => "timeout",
        >= 500 => "server_error",
        _ => null,
    };
}
