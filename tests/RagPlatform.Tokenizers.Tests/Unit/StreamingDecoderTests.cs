using System.Text;
using RagPlatform.Tokenizers.Bpe;
using RagPlatform.Tokenizers.Tests.Infrastructure;
using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(ModelsCollection.Name)]
public sealed class StreamingDecoderTests(ModelsFixture models)
{
    private ITokenizer Qwen => models.QwenFromVocabFiles;

    [Fact]
    public void Append_EveryPrefixOfEdgeCases_StreamedTextEqualsFullDecode()
    {
        foreach (var text in ParityCorpus.EdgeCases().Where(t => t.Length is > 0 and < 400))
        {
            var ids = Qwen.Encode(text).Ids.ToArray();
            var decoder = Qwen.CreateStreamingDecoder();
            var streamed = new StringBuilder();
            for (var k = 0; k < ids.Length; k++)
            {
                streamed.Append(decoder.Append(ids[k]));
                var full = Qwen.Decode(ids.AsSpan(0, k + 1));
                // What has been emitted is always a prefix of the full decode; it never guesses at a split character.
                Assert.StartsWith(streamed.ToString(), full, StringComparison.Ordinal);
                var prefixDecoder = Qwen.CreateStreamingDecoder();
                var prefix = string.Concat(ids.Take(k + 1).Select(prefixDecoder.Append)) + prefixDecoder.Flush();
                Assert.Equal(full, prefix);
            }

            streamed.Append(decoder.Flush());
            Assert.Equal(Qwen.Decode(ids), streamed.ToString());
        }
    }

    [Fact]
    public void Append_ByteTokensOfMultiByteCharacters_HoldsBytesBackUntilTheCharacterIsComplete()
    {
        const string text = "é😀中";
        var decoder = Qwen.CreateStreamingDecoder();
        var emitted = new List<string>();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            var id = Qwen.TokenToId(ByteLevelAlphabet.ByteToChar(b).ToString())!.Value;
            emitted.Add(decoder.Append(id));
        }

        Assert.Equal(["", "é", "", "", "", "😀", "", "", "中"], emitted);
        Assert.DoesNotContain(emitted, e => e.Contains('\uFFFD'));
        Assert.Equal(string.Empty, decoder.Flush());
    }

    [Fact]
    public void Flush_IncompleteCharacter_EmitsReplacementLikeDecode()
    {
        var firstByteOfEmoji = Qwen.TokenToId(ByteLevelAlphabet.ByteToChar(0xF0).ToString())!.Value;
        var hello = Qwen.Encode("hi").Ids.ToArray();
        int[] ids = [.. hello, firstByteOfEmoji];
        var decoder = Qwen.CreateStreamingDecoder();

        var streamed = string.Concat(ids.Select(decoder.Append));

        Assert.Equal("hi", streamed);
        Assert.Equal("\uFFFD", decoder.Flush());
        Assert.Equal("hi\uFFFD", Qwen.Decode(ids));
    }

    [Fact]
    public void Append_SpecialTokenAfterSplitCharacter_FlushesTheBrokenBytesFirst()
    {
        var lead = Qwen.TokenToId(ByteLevelAlphabet.ByteToChar(0xE4).ToString())!.Value;
        var imEnd = Qwen.TokenToId("<|im_end|>")!.Value;
        var decoder = Qwen.CreateStreamingDecoder();

        Assert.Equal(string.Empty, decoder.Append(lead));
        Assert.Equal("\uFFFD<|im_end|>", decoder.Append(imEnd));
        Assert.Equal("\uFFFD<|im_end|>", Qwen.Decode([lead, imEnd]));
        Assert.Equal("\uFFFD", Qwen.Decode([lead, imEnd], skipSpecialTokens: true));
    }

    [Fact]
    public void DecodeEncode_Corpus_RoundTripsToNfcText()
    {
        foreach (var text in ParityCorpus.Texts())
        {
            var nfc = UnicodeNormalization.Nfc(AlignedText.FromOriginal(text, 0, text.Length)).Chars.ToString();
            Assert.Equal(nfc, Qwen.Decode(Qwen.Encode(text).Ids.ToArray()));
        }
    }

    [Fact]
    public void CreateStreamingDecoder_WordPiece_IsNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => models.MiniLm.CreateStreamingDecoder());
    }
}
