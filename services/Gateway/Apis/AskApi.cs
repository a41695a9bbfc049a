using System.Runtime.CompilerServices;
using System.Text;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RagPlatform.Client;
using RagPlatform.Gateway.Errors;
using RagPlatform.Gateway.Extensions;
using Rpc = RagPlatform.Contracts.V1;

namespace RagPlatform.Gateway.Apis;

/// <summary>
/// POST /v1/ask: one JSON answer, or with <c>Accept: text/event-stream</c> server-sent events as the answer is
/// written: <c>token</c> ({"text"}), then <c>citations</c> (array), then <c>done</c> (RagPlatform.Client's AnswerStream
/// is the format). A failure before the first event is a problem+json response; after it, an <c>error</c> event
/// carrying the problem, and the stream ends.
/// </summary>
public static class AskApi
{
    public static IEndpointRouteBuilder MapAskApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/ask", AskAsync).WithTags("Answers").RequireRateLimiting(GatewayExtensions.AskPolicy)
            .WithSummary("Answers a question over a collection, with citations; streams with Accept: text/event-stream.")
            .Produces<AnswerResource>().Produces(StatusCodes.Status200OK, contentType: AnswerStream.MediaType)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503).ProducesProblem(504);
        app.MapGet("/v1/models", ModelsAsync).WithTags("Answers").WithSummary("What each model service has loaded; forged models answer noise.")
            .Produces<ModelsResource>();
        return app;
    }

    private static async Task AskAsync(HttpContext context, Rpc.Answers.AnswersClient answers, IOptions<GatewayOptions> options)
    {
        var body = await JsonBody.ReadAsync<AskRequest>(context);
        var request = ToRequest(body);
        CollectionsApi.Authorize(context, request.Collection);
        using var call = answers.Ask(request, CallDeadline.For(context, Budget(body.TimeoutSeconds, options.Value)));
        await using var events = ReadAnswerAsync(call, context.TraceIdentifier, context.RequestAborted).GetAsyncEnumerator(context.RequestAborted);

        // The first event decides between a problem response and a 200: a refusal (404, 400, 503) comes before it.
        var answer = Resume(events, await events.MoveNextAsync());
        if (context.Request.Headers.Accept.ToString().Contains(AnswerStream.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            await StreamAsync(context, answer);
        }
        else
        {
            await context.Response.WriteAsJsonAsync(await CollectAsync(answer), RagPlatformJsonContext.Default.AnswerResource, contentType: null, context.RequestAborted);
        }
    }

    /// <summary>The one loop over the orchestrator's events: each becomes the HTTP API's event, streamed or collected.</summary>
    private static async IAsyncEnumerable<IAnswerEvent> ReadAnswerAsync(AsyncServerStreamingCall<Rpc.AskEvent> call, string requestId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var next in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            switch (next.EventCase)
            {
                case Rpc.AskEvent.EventOneofCase.Delta:
                    yield return new AnswerToken(next.Delta.Text);
                    break;
                case Rpc.AskEvent.EventOneofCase.Citations:
                    yield return new AnswerCitations([.. next.Citations.Citations.Select(ResourceMapping.ToResource)]);
                    break;
                case Rpc.AskEvent.EventOneofCase.Done:
                    yield return next.Done.ToResource(requestId);
                    break;
            }
        }
    }

    private static async Task StreamAsync(HttpContext context, IAsyncEnumerable<IAnswerEvent> answer)
    {
        var response = context.Response;
        response.ContentType = AnswerStream.MediaType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        // Each event leaves as it is written, not when a buffer fills.
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        await AnswerStream.WriteAsync(EndingWithErrorEvent(answer, context), response.Body, context.RequestAborted);
    }

    /// <summary>Once the stream has started its status cannot change: a failure becomes its last event.</summary>
    private static async IAsyncEnumerable<IAnswerEvent> EndingWithErrorEvent(IAsyncEnumerable<IAnswerEvent> answer, HttpContext context)
    {
        await using var events = answer.GetAsyncEnumerator(context.RequestAborted);
        while (true)
        {
            AnswerError? failure = null;
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RpcException ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                GatewayLog.StreamFailed(context.RequestServices.GetRequiredService<ILogger<AnswerResource>>(), ex.StatusCode.ToString(), ex.Status.Detail);
                failure = new AnswerError(Problems.ToApiProblem(Problems.FromRpc(ex, context)));
            }

            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            yield return events.Current;
        }
    }

    private static async Task<AnswerResource> CollectAsync(IAsyncEnumerable<IAnswerEvent> answer)
    {
        var text = new StringBuilder();
        IReadOnlyList<CitationResource> citations = [];
        AnswerDone? done = null;
        await foreach (var next in answer)
        {
            switch (next)
            {
                case AnswerToken token:
                    text.Append(token.Text);
                    break;
                case AnswerCitations cited:
                    citations = cited.Citations;
                    break;
                case AnswerDone end:
                    done = end;
                    break;
            }
        }

        return new AnswerResource(done ?? throw new RpcException(new Status(StatusCode.Internal, "The orchestrator ended the answer without its final event.")))
        {
            Answer = text.ToString(),
            Citations = citations,
        };
    }

    /// <summary>The events of an enumerator whose first MoveNextAsync has already been awaited.</summary>
    private static async IAsyncEnumerable<T> Resume<T>(IAsyncEnumerator<T> started, bool hasCurrent)
    {
        for (var more = hasCurrent; more; more = await started.MoveNextAsync())
        {
            yield return started.Current;
        }
    }

    private static Rpc.AskRequest ToRequest(AskRequest body)
    {
        if (string.IsNullOrEmpty(body.Collection) || string.IsNullOrWhiteSpace(body.Question))
        {
            throw GatewayProblem.BadRequest("collection and question are required.");
        }

        var request = new Rpc.AskRequest
        {
            Collection = body.Collection,
            Question = body.Question,
            Mode = Mode(body.Mode),
            TopK = body.TopK ?? 0,
            TopN = body.TopN ?? 0,
            MaxNewTokens = body.MaxTokens ?? 0,
            SkipRerank = body.Rerank == false,
            Answer = body.Answer?.ToLowerInvariant() switch
            {
                null or AnswerKinds.Auto => Rpc.AnswerKind.Unspecified,
                AnswerKinds.Generative => Rpc.AnswerKind.Generative,
                AnswerKinds.Extractive => Rpc.AnswerKind.Extractive,
                _ => throw GatewayProblem.BadRequest($"answer must be auto, generative or extractive (was '{body.Answer}')."),
            },
        };
        if (body.TopK is <= 0 || body.TopN is <= 0 || body.MaxTokens is <= 0)
        {
            throw GatewayProblem.BadRequest("topK, topN and maxTokens must be positive when given.");
        }

        if (body.Temperature is not null || body.TopP is not null || body.Seed is not null)
        {
            request.Sampling = new Rpc.SamplingParameters { Temperature = body.Temperature ?? 0 };
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

    /// <summary>A request's retrieval mode (null is hybrid); anything else is a 400 naming the choices.</summary>
    internal static Rpc.RetrievalMode Mode(string? mode) => mode?.ToLowerInvariant() switch
    {
        null or RetrievalModes.Hybrid => Rpc.RetrievalMode.Hybrid,
        RetrievalModes.Dense => Rpc.RetrievalMode.Dense,
        RetrievalModes.Lexical => Rpc.RetrievalMode.Lexical,
        _ => throw GatewayProblem.BadRequest($"mode must be hybrid, dense or lexical (was '{mode}')."),
    };

    private static TimeSpan Budget(double? seconds, GatewayOptions options) => seconds switch
    {
        null => options.AskTimeout,
        > 0 when seconds <= options.MaxAskTimeout.TotalSeconds => TimeSpan.FromSeconds(seconds.Value),
        _ => throw GatewayProblem.BadRequest($"timeoutSeconds must be in (0, {options.MaxAskTimeout.TotalSeconds}] (was {seconds})."),
    };

    private static async Task<ModelsResource> ModelsAsync(HttpContext context, Rpc.Answers.AnswersClient answers)
    {
        var described = await answers.DescribeModelsAsync(new Rpc.DescribeModelsRequest(), CallDeadline.For(context, TimeSpan.FromSeconds(10)));
        var services = described.Services.Select(ResourceMapping.ToResource).ToList();
        return new ModelsResource(services, services.Any(s => s.Forged == true));
    }
}
