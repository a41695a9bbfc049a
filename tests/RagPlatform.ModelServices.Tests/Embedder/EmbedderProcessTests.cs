using System.Text.RegularExpressions;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Embeddings;
using RagPlatform.ModelServices.Tests.Infrastructure;

namespace RagPlatform.ModelServices.Tests.Embedder;

[Trait("Category", "EndToEnd")]
public sealed partial class EmbedderProcessTests(EmbedderProcessFixture fixture) : IClassFixture<EmbedderProcessFixture>
{
    private static readonly string[] Corpus =
    [
        "What is the capital of France?",
        "Paris is the capital and most populous city of France.",
        "The Normans were the people who in the 10th and 11th centuries gave their name to Normandy.",
        "a",
        "Gradient descent",
        string.Join(' ', Enumerable.Repeat("Long passages are padded less when sorted by length.", 12)),
    ];

    [Fact]
    public async Task Embed_200ConcurrentCalls_MatchInProcessEmbedderAndAreBatchedTogether()
    {
        var linesBefore = fixture.Service.OutputLines.Count;
        var requests = Enumerable.Range(0, 200)
            .Select(i => new EmbedRequest { Texts = { $"call {i}: {Corpus[i % Corpus.Length]}" }, Role = i % 2 == 0 ? EmbedRole.Query : EmbedRole.Passage })
            .ToArray();

        var responses = await Task.WhenAll(requests.Select(r => fixture.Client.EmbedAsync(r, Calls.Bounded()).ResponseAsync));

        for (var i = 0; i < requests.Length; i++)
        {
            var role = requests[i].Role == EmbedRole.Query ? EmbeddingRole.Query : EmbeddingRole.Passage;
            var expected = fixture.Reference.Embed(requests[i].Texts, role)[0];
            var actual = Assert.Single(responses[i].Embeddings);
            Assert.Equal(expected.TokenCount, actual.TokenCount);
            Assert.Equal(fixture.Reference.Dimensions, responses[i].Dimensions);
            Assert.True(Cosine(expected.Vector, [.. actual.Values]) >= 0.99999, $"call {i}: cosine {Cosine(expected.Vector, [.. actual.Values])}");
        }

        var batchSizes = fixture.Service.OutputLines.Skip(linesBefore)
            .Select(line => BatchLine().Match(line))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].ValueSpan, provider: null))
            .ToArray();
        Assert.Equal(200, batchSizes.Sum());
        Assert.True(batchSizes.Max() > 1, $"no batch held more than one text: {string.Join(',', batchSizes)}");
        Assert.True(batchSizes.Length < 200, $"{batchSizes.Length} batches for 200 single-text calls");
    }

    [Fact]
    public async Task Embed_TruncatedText_ReportsTokenCountAndFlag()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", 2000));

        var response = await fixture.Client.EmbedAsync(new EmbedRequest { Texts = { longText, "short" } }, Calls.Bounded());

        Assert.True(response.Embeddings[0].Truncated);
        Assert.Equal(fixture.Reference.MaxTokens, response.Embeddings[0].TokenCount);
        Assert.False(response.Embeddings[1].Truncated);
        Assert.Equal(1.0, Math.Sqrt(response.Embeddings[0].Values.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public async Task Info_ForgedModel_ReportsForgedAndShape()
    {
        var info = await fixture.Client.InfoAsync(new InfoRequest(), Calls.Bounded());

        Assert.True(info.Forged);
        Assert.Equal(fixture.Reference.Dimensions, info.Dimensions);
        Assert.Equal(fixture.Reference.MaxTokens, info.MaxTokens);
        Assert.Equal("cpu", info.Device);
        Assert.Equal("bert", info.Architecture);
    }

    [Fact]
    public async Task Embed_EmptyList_InvalidArgument() =>
        await AssertRejectedThenServing(new EmbedRequest(), StatusCode.InvalidArgument, "texts is empty");

    [Fact]
    public async Task Embed_EmptyText_InvalidArgumentNamingIndex() =>
        await AssertRejectedThenServing(new EmbedRequest { Texts = { "fine", "" } }, StatusCode.InvalidArgument, "texts[1]");

    [Fact]
    public async Task Embed_UnknownRole_InvalidArgumentNamingField() =>
        await AssertRejectedThenServing(new EmbedRequest { Texts = { "fine" }, Role = (EmbedRole)7 }, StatusCode.InvalidArgument, "role 7");

    [Fact]
    public async Task Embed_100000Texts_ResourceExhausted() =>
        await AssertRejectedThenServing(new EmbedRequest { Texts = { Enumerable.Repeat("x", 100_000) } }, StatusCode.ResourceExhausted, "at most 256");

    [Fact]
    public async Task Embed_TextOverCharacterLimit_InvalidArgumentNamingIndex() =>
        await AssertRejectedThenServing(new EmbedRequest { Texts = { "fine", new string('x', 100_001) } }, StatusCode.InvalidArgument, "texts[1] has 100001 characters");

    [Fact]
    public async Task Embed_TenMegabyteText_ResourceExhaustedByMessageSizeLimit() =>
        await AssertRejectedThenServing(new EmbedRequest { Texts = { new string('x', 10 * 1024 * 1024) } }, StatusCode.ResourceExhausted, "");

    [Fact]
    public async Task Embed_RejectTruncationOnLongText_InvalidArgumentNamingIndex() =>
        await AssertRejectedThenServing(
            new EmbedRequest { Texts = { "short", string.Join(' ', Enumerable.Repeat("word", 2000)) }, RejectTruncation = true },
            StatusCode.InvalidArgument,
            "texts[1] is longer than");

    private async Task AssertRejectedThenServing(EmbedRequest request, StatusCode expected, string messagePart)
    {
        var status = await Calls.FailureOf(() => fixture.Client.EmbedAsync(request, Calls.Bounded()));

        Assert.Equal(expected, status.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(status.Detail));
        Assert.Contains(messagePart, status.Detail, StringComparison.Ordinal);
        var good = await fixture.Client.EmbedAsync(new EmbedRequest { Texts = { "still serving" } }, Calls.Bounded());
        Assert.Single(good.Embeddings);
    }

    private static double Cosine(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    [GeneratedRegex(@"Embedded a batch of (\d+) texts")]
    private static partial Regex BatchLine();
}
