using RagPlatform.Tokenizers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Tokenizers.Tests.Parity;

/// <summary>
/// Query/passage pairs for the ms-marco cross-encoder. Untruncated pairs must equal transformers.js; truncated pairs
/// must equal the Rust tokenizers' longest_first / only_second, because transformers.js truncation just cuts the
/// joined ids (asserted below, so a change in transformers.js shows up here).
/// </summary>
[Trait("Category", "Parity")]
[Collection(ModelsCollection.Name)]
public sealed class CrossEncoderParityTests(ModelsFixture models, ITestOutputHelper output)
{
    [Fact]
    public async Task CrossEncoder_EncodePairs_IdsAndTypeIdsEqualTransformersJs()
    {
        var pairs = Pairs();
        Assert.True(pairs.Count >= 5000, $"only {pairs.Count} pairs");

        var expected = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.CrossEncoder, Items(pairs));

        var report = new ParityReport("cross-encoder pair tokenizer (vs transformers.js)", output);
        for (var i = 0; i < pairs.Count; i++)
        {
            var actual = models.CrossEncoder.EncodePair(pairs[i].First, pairs[i].Second);
            report.Add(Label(pairs[i]), ParityReport.Diff("ids", expected[i].Ids, actual.Ids),
                ParityReport.Diff("type ids", expected[i].TypeIds, actual.TypeIds));
        }

        report.Assert();
    }

    [Theory]
    [InlineData(TruncationStrategy.LongestFirst, 128)]
    [InlineData(TruncationStrategy.LongestFirst, 512)]
    [InlineData(TruncationStrategy.OnlySecond, 128)]
    [InlineData(TruncationStrategy.OnlySecond, 512)]
    public async Task CrossEncoder_TruncatedPairs_EqualRustTokenizers(TruncationStrategy strategy, int maxLength)
    {
        var pairs = Pairs();
        var js = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.CrossEncoder, Items(pairs));
        var rustFull = await TokenizeOracle.EncodeAsync(OracleEngine.RustTokenizers, SharedFiles.CrossEncoder, Items(pairs));
        var rust = await TokenizeOracle.EncodeAsync(OracleEngine.RustTokenizers, SharedFiles.CrossEncoder, Items(pairs), maxLength,
            strategy == TruncationStrategy.LongestFirst ? "longest_first" : "only_second");

        var report = new ParityReport($"cross-encoder {strategy} truncation to {maxLength} (vs Rust tokenizers)", output);
        var truncated = 0;
        var errors = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            if (!rustFull[i].Ids!.SequenceEqual(js[i].Ids!))
            {
                continue; // a Unicode edge where the two references differ; the untruncated test covers it
            }

            TokenEncoding? actual = null;
            string? actualError = null;
            try
            {
                actual = models.CrossEncoder.EncodePair(pairs[i].First, pairs[i].Second, strategy, maxLength);
            }
            catch (ArgumentException e)
            {
                actualError = e.Message;
            }

            if (rust[i].Error is not null || actualError is not null)
            {
                errors++;
                report.Add(Label(pairs[i]), rust[i].Error is null || actualError is null
                    ? $"error mismatch: Rust {rust[i].Error ?? "none"}, C# {actualError ?? "none"}"
                    : null);
                continue;
            }

            truncated += actual!.Truncated ? 1 : 0;
            report.Add(Label(pairs[i]), ParityReport.Diff("ids", rust[i].Ids, actual.Ids),
                ParityReport.Diff("type ids", rust[i].TypeIds, actual.TypeIds),
                ParityReport.Diff("offsets", rust[i].Offsets, actual.Offsets),
                actual.OverflowCount == rustFull[i].Ids!.Length - rust[i].Ids!.Length ? null : "overflow count is wrong");
        }

        output.WriteLine($"{truncated:N0} pairs were truncated, {errors:N0} could not be (only_second with a long first text)");
        Assert.True(truncated >= 100, "too few pairs exercised truncation");
        report.Assert();
    }

    [Fact]
    public async Task TransformersJs_PairTruncation_CutsJoinedIdsWithoutStrategy()
    {
        // Documents the transformers.js deviation that makes Rust the truncation reference: its truncation keeps
        // the first max_length ids of [CLS] A [SEP] B [SEP], dropping the final [SEP].
        const int maxLength = 128;
        var pairs = ParityCorpus.SquadPairs.Take(300).Select(p => (First: p.Question, Second: p.Context)).ToList();
        var full = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.CrossEncoder, Items(pairs));
        var cut = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.CrossEncoder, Items(pairs), maxLength);

        var longer = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(full[i].Ids!.Take(maxLength), cut[i].Ids!);
            longer += full[i].Ids!.Length > maxLength ? 1 : 0;
        }

        output.WriteLine($"transformers.js cut {longer} of {pairs.Count} pairs at {maxLength} ids, losing their final [SEP]");
        Assert.True(longer > 0);
    }

    private static List<(string First, string Second)> Pairs()
    {
        var pairs = ParityCorpus.SquadPairs.Select(p => (p.Question, p.Context)).ToList();
        var questions = ParityCorpus.SquadQuestions;
        var edges = ParityCorpus.EdgeCases().Where(e => e.Length > 0).ToList();
        for (var i = 0; i < edges.Count; i++)
        {
            // transformers.js treats an empty second text as no pair at all, so only non-empty texts are paired.
            pairs.Add((questions[i % questions.Count], edges[i]));
            pairs.Add((edges[i], ParityCorpus.SquadContexts[i % ParityCorpus.SquadContexts.Count]));
        }

        // Long passages (several paragraphs joined) so that truncation to 512 happens often too.
        var contexts = ParityCorpus.SquadContexts;
        for (var i = 0; i < 200; i++)
        {
            var passage = string.Join("\n\n", Enumerable.Range(0, 2 + i % 5).Select(k => contexts[(i * 7 + k) % contexts.Count]));
            pairs.Add((questions[i * 13 % questions.Count], passage));
            pairs.Add((passage, questions[i * 17 % questions.Count]));
            pairs.Add((passage, contexts[(i * 3) % contexts.Count]));
        }

        return pairs;
    }

    private static IEnumerable<(string, string?)> Items(List<(string First, string Second)> pairs) =>
        pairs.Select(p => (p.First, (string?)p.Second));

    private static string Label((string First, string Second) pair) => pair.First + " ||| " + pair.Second;
}
