using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;
using RagPlatform.Gateway.Errors;
using RagPlatform.Gateway.Extensions;

namespace RagPlatform.Gateway.Apis;

/// <summary>
/// POST /v1/ask: one JSON answer, or with <c>Accept: text/event-stream</c> server-sent events as the answer is
/// written: <c>token</c> ({"text"}), then <c>citations</c> (array), then <c>done</c>. A failure before the first event
/// is a problem+json response; after it, an <c>error</c> event carrying the problem, and the stream ends.
/// </summary>
public static class AskApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapAskApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/ask", AskAsync).WithTags("Answers").RequireRateLimiting(GatewayExtensions.AskPolicy)
            .WithSummary("Answers a question over a collection, with citations; streams with Accept: text/event-stream.")
            .Produces<AnswerResource>().Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503).ProducesProblem(504);
        app.MapGet("/v1/models", ModelsAsync).WithTags("Answers").WithSummary("What each model service has loaded; forged models answer noise.")
            .Produces<ModelsResource>();
        return app;
    }

    private static async Task AskAsync(HttpContext context, Answers.AnswersClient answers, IOptions<GatewayOptions> options)
    {
        var body = await JsonBody.ReadAsync<AskBody>(context);
        var request = ToRequest(body);
        CollectionsApi.Authorize(context, request.Collection);
        var budget = Budget(body.TimeoutSeconds, options.Value);
        using var call = answers.Ask(request, CallDeadline.For(context, budget));
        var events = call.ResponseStream.ReadAllAsync(context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);
        try
        {
            // The first event decides between a problem response and a 200: a refusal (404, 400, 503) comes before it.
            var first = await events.MoveNextAsync() ? events.Current : null;
            if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                await StreamAsync(context, first, events);
            }
            else
            {
                await context.Response.WriteAsJsonAsync(await CollectAsync(first, events, context.TraceIdentifier), Json, context.RequestAborted);
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
    }

    private static async Task StreamAsync(HttpContext context, AskEvent? first, IAsyncEnumerator<AskEvent> events)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            for (var next = first; next is not null; next = await events.MoveNextAsync() ? events.Current : null)
            {
                switch (next.EventCase)
                {
                    case AskEvent.EventOneofCase.Delta:
                        await WriteEventAsync(context, "token", new TokenEvent(next.Delta.Text));
                        break;
                    case AskEvent.EventOneofCase.Citations:
                        await WriteEventAsync(context, "citations", next.Citations.Citations.Select(CitationResource.From).ToList());
                        break;
                    case AskEvent.EventOneofCase.Done:
                        await WriteEventAsync(context, "done", AnswerDoneResource.From(next.Done, context.TraceIdentifier));
                        break;
                }
            }
        }
        catch (RpcException ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.StreamFailed(context.RequestServices.GetRequiredService<ILogger<AnswerResource>>(), ex.StatusCode.ToString(), ex.Status.Detail);
            await WriteEventAsync(context, "error", Problems.FromRpc(ex, context));
        }
    }

    private static async Task<AnswerResource> CollectAsync(AskEvent? first, IAsyncEnumerator<AskEvent> events, string requestId)
    {
        var answer = new StringBuilder();
        IReadOnlyList<CitationResource> citations = [];
        AnswerDone? done = null;
        for (var next = first; next is not null; next = await events.MoveNextAsync() ? events.Current : null)
        {
            switch (next.EventCase)
            {
                case AskEvent.EventOneofCase.Delta:
                    answer.Append(next.Delta.Text);
                    break;
                case AskEvent.EventOneofCase.Citations:
                    citations = [.. next.Citations.Citations.Select(CitationResource.From)];
                    break;
                case AskEvent.EventOneofCase.Done:
                    done = next.Done;
                    break;
            }
        }

        var end = AnswerDoneResource.From(done ?? throw new RpcException(new Status(StatusCode.Internal, "The orchestrator ended the answer without its final event.")), requestId);
        return new AnswerResource(answer.ToString(), citations, end.Degraded, end.NoAnswer, end.ForgedModels, end.FinishReason, end.Usage, end.Timings, requestId,
            end.AnswerKind, end.Skipped);
    }

    private static async Task WriteEventAsync<T>(HttpContext context, string name, T data)
    {
        var payload = JsonSerializer.Serialize(data, Json);
        await context.Response.WriteAsync($"event: {name}\ndata: {payload}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static AskRequest ToRequest(AskBody body)
    {
        if (string.IsNullOrEmpty(body.Collection) || string.IsNullOrWhiteSpace(body.Question))
        {
            throw GatewayProblem.BadRequest("collection and question are required.");
        }

        var request = new AskRequest
        {
            Collection = body.Collection,
            Question = body.Question,
            Mode = body.Mode?.ToLowerInvariant() switch
            {
                null or "hybrid" => RetrievalMode.Hybrid,
                "dense" => RetrievalMode.Dense,
                "lexical" => RetrievalMode.Lexical,
                _ => throw GatewayProblem.BadRequest($"mode must be hybrid, dense or lexical (was '{body.Mode}')."),
            },
            TopK = body.TopK ?? 0,
            TopN = body.TopN ?? 0,
            MaxNewTokens = body.MaxTokens ?? 0,
            SkipRerank = body.Rerank == false,
            Answer = body.Answer?.ToLowerInvariant() switch
            {
                null or "auto" => AnswerKind.Unspecified,
                "generative" => AnswerKind.Generative,
                "extractive" => AnswerKind.Extractive,
                _ => throw GatewayProblem.BadRequest($"answer must be auto, generative or extractive (was '{body.Answer}')."),
            },
        };
        if (body.TopK is <= 0 || body.TopN is <= 0 || body.MaxTokens is <= 0)
        {
            throw GatewayProblem.BadRequest("topK, topN and maxTokens must be positive when given.");
        }

        if (body.Temperature is not null || body.TopP is not null || body.Seed is not null)
        {
            request.Sampling = new SamplingParameters { Temperature = body.Temperature ?? 0 };
            if (body.TopP is { } topP)
            {
                request.Sampling.TopP = topP;
            }

            if (body.Seed is { } seed)
            {
                request.Sampling.Seed = seed;
            }
        }

        request.DocumentIds.AddRange(body.DocumentIds?.Select(id => id ?? throw GatewayProblem.BadRequest("documentIds holds a null.")) ?? []);
        return request;
    }

    private static TimeSpan Budget(double? seconds, GatewayOptions options) => seconds switch
    {
        null => options.AskTimeout,
        > 0 when seconds <= options.MaxAskTimeout.TotalSeconds => TimeSpan.FromSeconds(seconds.Value),
        _ => throw GatewayProblem.BadRequest($"timeoutSeconds must be in (0, {options.MaxAskTimeout.TotalSeconds}] (was {seconds})."),
    };

    private static async Task<ModelsResource> ModelsAsync(HttpContext context, Answers.AnswersClient answers)
    {
        var described = await answers.DescribeModelsAsync(new DescribeModelsRequest(), CallDeadline.For(context, TimeSpan.FromSeconds(10)));
        var services = described.Services.Select(s => s.Reachable
            ? new ModelServiceResource(s.Role, true, s.Model.ModelId, s.Model.Forged, s.Model.Architecture, s.Model.MaxTokens, s.Model.Dimensions, null)
            : new ModelServiceResource(s.Role, false, null, null, null, null, null, s.Error)).ToList();
        return new ModelsResource(services, services.Any(s => s.Forged == true));
    }
}
