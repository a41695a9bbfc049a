using System.Text.RegularExpressions;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.ModelServices.Tests.Infrastructure;

namespace RagPlatform.ModelServices.Tests.Reranker;

[Trait("Category", "EndToEnd")]
public sealed partial class RerankerProcessTests(RerankerProcessFixture fixture) : IClassFixture<RerankerProcessFixture>
{
    private static readonly string[] Passages =
    [
        "Paris is the capital of France.",
        "The Eiffel Tower is in Paris.",
        "Bananas are rich in potassium.",
        "France borders Spain, Italy and Germany.",
        "Gradient descent minimises a loss function.",
    ];

    [Fact]
    public async Task Rerank_Passages_SortedBestFirstWithOriginalIndicesAndReferenceScores()
    {
        var response = await fixture.Client.RerankAsync(Request("capital of France", Passages), Calls.Bounded());

        var expected = fixture.Reference.Score("capital of France", Passages);
        Assert.Equal(Passages.Length, response.Results.Count);
        Assert.Equal(Enumerable.Range(0, Passages.Length), response.Results.Select(r => r.Index).Order());
        Assert.Equal(response.Results.Select(r => r.Score).OrderDescending(), response.Results.Select(r => r.Score));
        Assert.All(response.Results, r => Assert.Equal(expected[r.Index].Score, r.Score, 4));
        Assert.False(string.IsNullOrEmpty(response.ModelId));
    }

    [Fact]
    public async Task Rerank_ConcurrentCalls_ScoredTogetherInSharedBatches_EachWithItsOwnScores()
    {
        var linesBefore = fixture.Service.OutputLines.Count;
        // Enough work per call that the calls are all in flight together.
        string[] passages = [.. Enumerable.Range(0, 40).Select(i => $"{Passages[i % Passages.Length]} Note {i}: {new string('x', i * 3)}")];
        var queries = Enumerable.Range(0, 24).Select(i => $"question {i} about {Passages[i % Passages.Length].Split(' ')[1]}").ToArray();

        var responses = await Task.WhenAll(queries.Select(q => fixture.Client.RerankAsync(Request(q, passages), Calls.Bounded()).ResponseAsync));

        for (var i = 0; i < queries.Length; i++)
        {
            var expected = fixture.Reference.Score(queries[i], passages);
            Assert.All(responses[i].Results, r => Assert.Equal(expected[r.Index].Score, r.Score, 4));
        }

        var batches = fixture.Service.OutputLines.Skip(linesBefore).Select(line => BatchLine().Match(line)).Where(m => m.Success)
            .Select(m => (Pairs: int.Parse(m.Groups["pairs"].ValueSpan, provider: null), Calls: int.Parse(m.Groups["calls"].ValueSpan, provider: null)))
            .ToArray();
        Assert.Equal(24 * passages.Length, batches.Sum(b => b.Pairs));
        Assert.True(batches.Max(b => b.Calls) > 1, $"no batch held more than one call: {string.Join(", ", batches)}");
    }

    [Fact]
    public async Task Rerank_TopNAndNormalize_ReturnsBestProbabilities()
    {
        var all = await fixture.Client.RerankAsync(Request("capital of France", Passages), Calls.Bounded());
        var request = Request("capital of France", Passages);
        request.TopN = 2;
        request.Normalize = true;

        var top = await fixture.Client.RerankAsync(request, Calls.Bounded());

        Assert.Equal(all.Results.Take(2).Select(r => r.Index), top.Results.Select(r => r.Index));
        Assert.All(top.Results, r => Assert.Equal(1 / (1 + Math.Exp(-all.Results.First(a => a.Index == r.Index).Score)), r.Score, 4));
    }

    [Fact]
    public async Task Rerank_LongPassage_TruncatedPassageNeverQuery()
    {
        var longPassage = string.Join(' ', Enumerable.Repeat("filler", 3000));

        var response = await fixture.Client.RerankAsync(Request("short query", ["short passage", longPassage]), Calls.Bounded());

        Assert.True(response.Results.Single(r => r.Index == 1).Truncated);
        Assert.False(response.Results.Single(r => r.Index == 0).Truncated);
    }

    [Fact]
    public async Task Rerank_ZeroPassages_EmptyResult()
    {
        var response = await fixture.Client.RerankAsync(Request("anything", []), Calls.Bounded());

        Assert.Empty(response.Results);
    }

    [Fact]
    public async Task Rerank_1000Passages_AllScoredInBatches()
    {
        var passages = Enumerable.Range(0, 1000).Select(i => $"passage {i} about topic {i % 17}").ToArray();

        var response = await fixture.Client.RerankAsync(Request("topic 3", passages), Calls.Bounded());

        Assert.Equal(1000, response.Results.Count);
        Assert.Equal(Enumerable.Range(0, 1000), response.Results.Select(r => r.Index).Order());
    }

    [Fact]
    public async Task Rerank_EmptyQuery_InvalidArgument() =>
        await AssertRejectedThenServing(Request("", Passages), StatusCode.InvalidArgument, "query is empty");

    [Fact]
    public async Task Rerank_NegativeTopN_InvalidArgument()
    {
        var request = Request("query", Passages);
        request.TopN = -1;
        await AssertRejectedThenServing(request, StatusCode.InvalidArgument, "top_n");
    }

    [Fact]
    public async Task Rerank_1001Passages_ResourceExhausted() =>
        await AssertRejectedThenServing(Request("query", Enumerable.Repeat("p", 1001).ToArray()), StatusCode.ResourceExhausted, "at most 1000");

    [Fact]
    public async Task Rerank_PassageOverCharacterLimit_InvalidArgumentNamingIndex() =>
        await AssertRejectedThenServing(Request("query", ["ok", new string('x', 100_001)]), StatusCode.InvalidArgument, "passages[1]");

    [Fact]
    public async Task Rerank_QueryFillingTheTokenLimit_InvalidArgument() =>
        await AssertRejectedThenServing(Request(string.Join(' ', Enumerable.Repeat("query", 1000)), Passages), StatusCode.InvalidArgument, "query");

    [Fact]
    public async Task Info_ForgedModel_ReportsForged()
    {
        var info = await fixture.Client.InfoAsync(new InfoRequest(), Calls.Bounded());

        Assert.True(info.Forged);
        Assert.Equal(0, info.Dimensions);
        Assert.Equal(fixture.Reference.MaxTokens, info.MaxTokens);
    }

    private async Task AssertRejectedThenServing(RerankRequest request, StatusCode expected, string messagePart)
    {
        var status = await Calls.FailureOf(() => fixture.Client.RerankAsync(request, Calls.Bounded()));

        Assert.Equal(expected, status.StatusCode);
        Assert.Contains(messagePart, status.Detail, StringComparison.Ordinal);
        var good = await fixture.Client.RerankAsync(Request("still serving", ["yes"]), Calls.Bounded());
        Assert.Single(good.Results);
    }

    private static RerankRequest Request(string query, string[] passages) => new() { Query = query, Passages = { passages } };

    [GeneratedRegex(@"Scored a batch of (?<pairs>\d+) pairs from (?<calls>\d+) calls")]
    private static partial Regex BatchLine();
}
