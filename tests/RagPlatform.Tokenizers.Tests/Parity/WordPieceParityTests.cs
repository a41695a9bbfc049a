using RagPlatform.Tokenizers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Tokenizers.Tests.Parity;

[Trait("Category", "Parity")]
[Collection(ModelsCollection.Name)]
public sealed class WordPieceParityTests(ModelsFixture models, ITestOutputHelper output)
{
    [Fact]
    public async Task MiniLm_EncodeCorpus_IdsTypeIdsAndDecodeEqualTransformersJs()
    {
        var texts = ParityCorpus.Texts();
        Assert.True(texts.Count >= 5000, $"corpus has only {texts.Count} strings");

        var expected = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.MiniLm, texts.Select(t => (t, (string?)null)),
            decode: true);

        var report = new ParityReport("MiniLM WordPiece tokenizer (vs transformers.js)", output);
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = models.MiniLm.Encode(texts[i]);
            report.Add(texts[i], ParityReport.Diff("ids", expected[i].Ids, actual.Ids),
                ParityReport.Diff("type ids", expected[i].TypeIds, actual.TypeIds),
                ParityReport.DiffText("decoded", expected[i].Decoded, models.MiniLm.Decode(actual.Ids.ToArray())));
        }

        report.Assert();
    }

    [Fact]
    public async Task MiniLm_DecodeSkippingSpecialTokens_EqualsTransformersJs()
    {
        var texts = ParityCorpus.EdgeCases().Where(t => t.Length > 0).Select((t, i) => $"{t} [SEP] {i} [MASK][UNK]").ToList();
        var expected = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.MiniLm, texts.Select(t => (t, (string?)null)),
            decode: true, skipSpecialTokens: true);

        var report = new ParityReport("MiniLM decode with skip_special_tokens (vs transformers.js)", output);
        for (var i = 0; i < texts.Count; i++)
        {
            var ids = models.MiniLm.Encode(texts[i]).Ids.ToArray();
            report.Add(texts[i], ParityReport.Diff("ids", expected[i].Ids, ids),
                ParityReport.DiffText("decoded", expected[i].Decoded, models.MiniLm.Decode(ids, skipSpecialTokens: true)));
        }

        report.Assert();
    }

    [Fact]
    public async Task MiniLm_Offsets_EqualRustTokenizersWhereIdsAgree()
    {
        var texts = ParityCorpus.Texts();
        var js = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, SharedFiles.MiniLm, texts.Select(t => (t, (string?)null)));
        var rust = await TokenizeOracle.EncodeAsync(OracleEngine.RustTokenizers, SharedFiles.MiniLm, texts.Select(t => (t, (string?)null)));

        var report = new ParityReport("MiniLM WordPiece offsets (vs Rust tokenizers)", output);
        var deviating = new List<string>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (!rust[i].Ids!.SequenceEqual(js[i].Ids!))
            {
                deviating.Add(texts[i]);
                continue;
            }

            report.Add(texts[i], ParityReport.Diff("offsets", rust[i].Offsets, models.MiniLm.Encode(texts[i]).Offsets));
        }

        output.WriteLine($"transformers.js and Rust tokenizers disagree on {deviating.Count} inputs (see tests/node/transformers/README.md), e.g.:");
        foreach (var text in deviating.Take(10))
        {
            output.WriteLine("  " + ParityReport.Describe(text));
        }

        report.Assert();
    }

    [Fact]
    public void MiniLm_FromVocabTxt_IdsEqualTokenizerJson()
    {
        var report = new ParityReport("MiniLM vocab.txt vs tokenizer.json", output);
        foreach (var text in ParityCorpus.Texts())
        {
            report.Add(text, ParityReport.Diff("ids", models.MiniLm.Encode(text).Ids, models.MiniLmFromVocabTxt.Encode(text).Ids));
        }

        report.Assert();
    }
}
