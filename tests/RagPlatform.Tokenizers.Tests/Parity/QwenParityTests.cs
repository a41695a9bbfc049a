using RagPlatform.Tokenizers.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Tokenizers.Tests.Parity;

/// <summary>Qwen2.5 byte-level BPE against transformers.js reading the tokenizer.json forged from vocab.json + merges.txt.</summary>
[Trait("Category", "Parity")]
[Collection(ModelsCollection.Name)]
public sealed class QwenParityTests(ModelsFixture models, ITestOutputHelper output)
{
    [Fact]
    public async Task Qwen_EncodeCorpus_IdsAndDecodeEqualTransformersJs()
    {
        var texts = ParityCorpus.Texts();
        var expected = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, models.QwenTokenizerJsonDir,
            texts.Select(t => (t, (string?)null)), decode: true);

        var report = new ParityReport("Qwen2.5 byte-level BPE tokenizer (vs transformers.js)", output);
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = models.QwenFromTokenizerJson.Encode(texts[i]);
            report.Add(texts[i], ParityReport.Diff("ids", expected[i].Ids, actual.Ids),
                actual.Length == 0 ? null : ParityReport.DiffText("decoded", expected[i].Decoded, models.QwenFromTokenizerJson.Decode(actual.Ids.ToArray())));
        }

        Assert.True(report.Total >= 5000, $"only {report.Total} strings");
        report.Assert();
    }

    [Fact]
    public async Task Qwen_DecodeSkippingSpecialTokens_EqualsTransformersJs()
    {
        var texts = ParityCorpus.EdgeCases().Where(t => t.Length > 0)
            .Select((t, i) => $"<|im_start|>user\n{t}<|im_end|>\n<|im_start|>assistant\n<tool_call>{i}</tool_call><|endoftext|>")
            .ToList();
        var expected = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, models.QwenTokenizerJsonDir,
            texts.Select(t => (t, (string?)null)), decode: true, skipSpecialTokens: true);

        var report = new ParityReport("Qwen2.5 decode with skip_special_tokens (vs transformers.js)", output);
        for (var i = 0; i < texts.Count; i++)
        {
            var ids = models.QwenFromTokenizerJson.Encode(texts[i]).Ids.ToArray();
            report.Add(texts[i], ParityReport.Diff("ids", expected[i].Ids, ids),
                ParityReport.DiffText("decoded", expected[i].Decoded, models.QwenFromTokenizerJson.Decode(ids, skipSpecialTokens: true)));
        }

        report.Assert();
    }

    [Fact]
    public async Task Qwen_Offsets_EqualRustTokenizersWhereIdsAgree()
    {
        var texts = ParityCorpus.Texts();
        var js = await TokenizeOracle.EncodeAsync(OracleEngine.TransformersJs, models.QwenTokenizerJsonDir,
            texts.Select(t => (t, (string?)null)), decode: true);
        var rust = await TokenizeOracle.EncodeAsync(OracleEngine.RustTokenizers, models.QwenTokenizerJsonDir, texts.Select(t => (t, (string?)null)));

        var report = new ParityReport("Qwen2.5 offsets (vs Rust tokenizers)", output);
        var deviating = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            if (!rust[i].Ids!.SequenceEqual(js[i].Ids!))
            {
                deviating++;
                output.WriteLine("Rust differs from transformers.js on " + ParityReport.Describe(texts[i]));
                continue;
            }

            report.Add(texts[i], ParityReport.Diff("offsets", rust[i].Offsets, models.QwenFromTokenizerJson.Encode(texts[i]).Offsets));
        }

        output.WriteLine($"Rust tokenizers and transformers.js disagree on {deviating} inputs");
        report.Assert();
    }

    [Fact]
    public void Qwen_FromVocabFiles_IdsEqualTokenizerJson()
    {
        var report = new ParityReport("Qwen2.5 vocab.json+merges.txt vs tokenizer.json", output);
        foreach (var text in ParityCorpus.Texts())
        {
            report.Add(text, ParityReport.Diff("ids", models.QwenFromTokenizerJson.Encode(text).Ids, models.QwenFromVocabFiles.Encode(text).Ids));
        }

        Assert.Equal(models.QwenFromTokenizerJson.VocabularySize, models.QwenFromVocabFiles.VocabularySize);
        Assert.Equal(models.QwenFromTokenizerJson.SpecialTokens.All.Order(), models.QwenFromVocabFiles.SpecialTokens.All.Order());
        report.Assert();
    }
}
