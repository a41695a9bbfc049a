using System.Diagnostics;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Ingestion.Parsing;
using RagPlatform.Retrieval;
using RagPlatform.Tokenizers;

namespace RagPlatform.Bench.Ingestion;

/// <summary>Busy time and item count of one stage, summed over the threads that ran it.</summary>
internal sealed class StageTimer
{
    private long _ticks;
    private long _items;

    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public long Items => Interlocked.Read(ref _items);

    public async Task<T> TimeAsync<T>(Func<Task<T>> work, int items)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            Record(start, items);
        }
    }

    public async Task TimeAsync(Func<Task> work, int items)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            Record(start, items);
        }
    }

    public T Time<T>(Func<T> work, int items)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            Record(start, items);
        }
    }

    private void Record(long start, int items)
    {
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref _items, items);
    }
}

/// <summary>Times every embedding call the pipeline makes (the whole call: tokenize, pad, run, pool).</summary>
internal sealed class TimedPassageEmbedder(IPassageEmbedder inner, StageTimer timer) : IPassageEmbedder
{
    public int Dimensions => inner.Dimensions;

    public int MaxTokens => inner.MaxTokens;

    public Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        timer.TimeAsync(() => inner.EmbedPassagesAsync(texts, cancellationToken), texts.Count);
}

/// <summary>Times the HTML parse inside the pipeline: registered for .html, it hands the bytes to the built-in parser.</summary>
internal sealed class TimedHtmlParser(DocumentParsers builtIn, StageTimer timer) : IDocumentParser
{
    public IReadOnlyCollection<string> Extensions { get; } = [".html", ".htm"];

    public Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        timer.TimeAsync(() => builtIn.ParseAsync("document.html", content, cancellationToken), 1);
}

/// <summary>Times the tokenizer calls the chunker makes to measure its pieces (the bulk of chunking).</summary>
internal sealed class TimedTokenizer(ITokenizer inner, StageTimer timer) : ITokenizer
{
    public int VocabularySize => inner.VocabularySize;

    public int ModelMaxLength => inner.ModelMaxLength;

    public SpecialTokenIds SpecialTokens => inner.SpecialTokens;

    public TokenEncoding Encode(string text, bool addSpecialTokens = true, int? maxLength = null) =>
        timer.Time(() => inner.Encode(text, addSpecialTokens, maxLength), 1);

    public TokenEncoding EncodePair(string first, string second, TruncationStrategy truncation = TruncationStrategy.LongestFirst,
        int? maxLength = null, bool addSpecialTokens = true) => inner.EncodePair(first, second, truncation, maxLength, addSpecialTokens);

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false) => inner.Decode(ids, skipSpecialTokens);

    public IStreamingDecoder CreateStreamingDecoder(bool skipSpecialTokens = false) => inner.CreateStreamingDecoder(skipSpecialTokens);

    public int? TokenToId(string token) => inner.TokenToId(token);

    public string? IdToToken(int id) => inner.IdToToken(id);
}

/// <summary>Times the index writes (one atomic ReplaceWhere per document, committed with fsync); everything else passes through.</summary>
internal sealed class TimedPointIndex(IPointIndex inner, StageTimer timer) : IPointIndex
{
    public Task CreateCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken = default) =>
        inner.CreateCollectionAsync(spec, cancellationToken);

    public Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        inner.GetCollectionAsync(name, cancellationToken);

    public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default) =>
        inner.ListCollectionsAsync(cancellationToken);

    public Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default) =>
        inner.DeleteCollectionAsync(name, cancellationToken);

    public Task UpsertAsync(string collection, IReadOnlyList<IndexPoint> points, CancellationToken cancellationToken = default) =>
        timer.TimeAsync(() => inner.UpsertAsync(collection, points, cancellationToken), points.Count);

    public Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(collection, ids, cancellationToken);

    public Task DeleteWhereAsync(string collection, PointFilter filter, CancellationToken cancellationToken = default) =>
        inner.DeleteWhereAsync(collection, filter, cancellationToken);

    public Task ReplaceWhereAsync(string collection, PointFilter replaced, IReadOnlyList<IndexPoint> points,
        CancellationToken cancellationToken = default) =>
        timer.TimeAsync(() => inner.ReplaceWhereAsync(collection, replaced, points, cancellationToken), points.Count);

    public Task<IReadOnlyList<IndexPoint>> GetAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        inner.GetAsync(collection, ids, cancellationToken);

    public Task<long> CountAsync(string collection, PointFilter? filter = null, CancellationToken cancellationToken = default) =>
        inner.CountAsync(collection, filter, cancellationToken);

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string collection, SearchRequest request, CancellationToken cancellationToken = default) =>
        inner.SearchAsync(collection, request, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
