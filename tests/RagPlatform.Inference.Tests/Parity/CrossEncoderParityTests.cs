using RagPlatform.Inference.Reranking;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Parity;

[Trait("Category", "Parity")]
[Collection(InferenceCollection.Name)]
public sealed class CrossEncoderParityTests(InferenceEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Score_SquadPairs_MatchTransformersJsSequenceClassification()
    {
        var questions = ParityTexts.Questions;
        var paragraphs = ParityTexts.Paragraphs;
        var pairs = new List<(string Query, string Passage)>();
        for (var i = 0; i < 25; i++)
        {
            pairs.Add((questions[i], paragraphs[ParityTexts.QuestionParagraph[i]]));
        }

        for (var i = 0; i < 10; i++)
        {
            pairs.Add((questions[i], paragraphs[(ParityTexts.QuestionParagraph[i] + 7) % paragraphs.Count]));
        }

        pairs.Add((questions[0], ParityTexts.Long(2)));
        pairs.Add((questions[5], ParityTexts.Long(9)));
        pairs.Add((string.Join(" ", questions.Take(8)), ParityTexts.Long(4)));
        pairs.Add(("", "An empty query still scores."));
        pairs.Add(("naïve café?", "東京は日本の首都です。 🙂"));
        using var scorer = CrossEncoder.Open(env.Sessions, env.Reranker, new CrossEncoderOptions { Session = InferenceEnvironment.Session, MaxBatchSize = 8 });

        var ours = scorer.Score(pairs);
        var request = new { modelDir = env.Reranker.Path, pairs = pairs.Select(p => new { query = p.Query, passage = p.Passage }), maxLength = 512 };
        var (oracle, folder) = await InferenceEnvironment.RunOracleAsync("rerank.mjs", request).WaitAsync(Timeout);
        folder.Delete(recursive: true);

        var fits = oracle["fits"]!.AsArray().Select(f => f!.GetValue<bool>()).ToArray();
        Assert.Equal(3, fits.Count(f => !f));
        for (var i = 0; i < pairs.Count; i++)
        {
            Assert.Equal(oracle["tokenCounts"]![i]!.GetValue<int>(), ours[i].TokenCount);
            Assert.Equal(!fits[i], ours[i].Truncated);
            var reference = oracle["reference"]![i]!.GetValue<double>();
            Assert.True(Math.Abs(reference - ours[i].Score) <= 1e-4, $"pair {i}: ours {ours[i].Score:R}, reference {reference:R}");
            if (fits[i])
            {
                // Untruncated pairs also match transformers.js end to end (its own tokenizer, padding and batching).
                var pipeline = oracle["pipeline"]![i]!.GetValue<double>();
                Assert.True(Math.Abs(pipeline - ours[i].Score) <= 1e-4, $"pair {i}: ours {ours[i].Score:R}, transformers.js {pipeline:R}");
            }
        }
    }
}
