using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RagPlatform.Client;

/// <summary>
/// The wire format of a streamed answer (POST /v1/ask with <c>Accept: text/event-stream</c>): server-sent events named
/// <c>token</c>, <c>citations</c>, <c>done</c> and <c>error</c>, each with one JSON document as its data. The gateway
/// writes with <see cref="WriteAsync"/> and clients read with <see cref="ReadAsync"/>, so both ends agree by construction.
/// </summary>
public static class AnswerStream
{
    public const string MediaType = "text/event-stream";

    public const string TokenEvent = "token";

    public const string CitationsEvent = "citations";

    public const string DoneEvent = "done";

    public const string ErrorEvent = "error";

    private static RagPlatformJsonContext Json => RagPlatformJsonContext.Default;

    /// <summary>Writes each event as it comes (the caller's stream decides when bytes leave).</summary>
    public static Task WriteAsync(IAsyncEnumerable<IAnswerEvent> events, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        return SseFormatter.WriteAsync(Items(events, cancellationToken), destination, WriteData, cancellationToken);
    }

    /// <summary>
    /// The events of a stream as they arrive, <see cref="AnswerError"/> included. Events of other names (from a newer
    /// gateway) are skipped; data that is not the expected JSON throws <see cref="JsonException"/>.
    /// </summary>
    public static async IAsyncEnumerable<IAnswerEvent> ReadAsync(Stream source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(source, Parse).EnumerateAsync(cancellationToken))
        {
            if (item.Data is { } answerEvent)
            {
                yield return answerEvent;
            }
        }
    }

    public static string EventName(IAnswerEvent answerEvent) => answerEvent switch
    {
        AnswerToken => TokenEvent,
        AnswerCitations => CitationsEvent,
        AnswerDone => DoneEvent,
        AnswerError => ErrorEvent,
        _ => throw new ArgumentException($"{answerEvent.GetType().Name} is not an event of the answer stream.", nameof(answerEvent)),
    };

    private static async IAsyncEnumerable<SseItem<IAnswerEvent>> Items(IAsyncEnumerable<IAnswerEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var answerEvent in events.WithCancellation(cancellationToken))
        {
            yield return new SseItem<IAnswerEvent>(answerEvent, EventName(answerEvent));
        }
    }

    private static void WriteData(SseItem<IAnswerEvent> item, IBufferWriter<byte> buffer)
    {
        using var writer = new Utf8JsonWriter(buffer);
        switch (item.Data)
        {
            case AnswerToken token:
                JsonSerializer.Serialize(writer, token, Json.AnswerToken);
                break;
            case AnswerCitations citations:
                JsonSerializer.Serialize(writer, citations.Citations, Json.IReadOnlyListCitationResource);
                break;
            case AnswerDone done:
                JsonSerializer.Serialize(writer, done, Json.AnswerDone);
                break;
            case AnswerError error:
                JsonSerializer.Serialize(writer, error.Problem, Json.ApiProblem);
                break;
        }
    }

    private static IAnswerEvent? Parse(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        TokenEvent => Read(data, Json.AnswerToken),
        CitationsEvent => new AnswerCitations(Read(data, Json.IReadOnlyListCitationResource)),
        DoneEvent => Read(data, Json.AnswerDone),
        ErrorEvent => new AnswerError(Read(data, Json.ApiProblem)),
        _ => null,
    };

    private static T Read<T>(ReadOnlySpan<byte> data, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(data, type) ?? throw new JsonException($"The data of an answer event is JSON null, not a {typeof(T).Name}.");
}
