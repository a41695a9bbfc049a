using RagPlatform.Tokenizers.Tests.Infrastructure;

namespace RagPlatform.Tokenizers.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(ModelsCollection.Name)]
public sealed class ByteLevelBpeTokenizerTests(ModelsFixture models)
{
    private ITokenizer Qwen => models.QwenFromVocabFiles;

    [Fact]
    public void Encode_LoneSurrogate_EncodesLikeReplacementCharacter()
    {
        // transformers.js encodes through TextEncoder, which writes U+FFFD for a lone surrogate. Built in code: neither
        // the JSON round trip to the oracle nor xunit's theory data can carry a lone surrogate.
        const char high = '\uD800', low = '\uDC00';
        (string Text, string AsTextEncoderSeesIt)[] cases =
        [
            ($"a{high}b", "a\uFFFDb"), ($"{low}", "\uFFFD"), ($"x{high}", "x\uFFFD"), ($"é{high}😀{low}{low}", "é\uFFFD😀\uFFFD\uFFFD"),
        ];

        foreach (var (text, seen) in cases)
        {
            var encoding = Qwen.Encode(text);

            Assert.Equal(Qwen.Encode(seen).Ids, encoding.Ids);
            Assert.Equal(seen, Qwen.Decode(encoding.Ids.ToArray()));
            Assert.All(encoding.Offsets, o => Assert.InRange(o.End, o.Start + 1, text.Length));
        }
    }

    [Fact]
    public void Encode_ByteTokensOfOneCharacter_AllPointAtThatWholeCharacter()
    {
        const string text = "a𠀁"; // U+20001: no single token, three byte-level ones

        var encoding = Qwen.Encode(text);

        Assert.Equal(new TokenOffset(0, 1), encoding.Offsets[0]);
        Assert.True(encoding.Length > 2, "U+20001 should take several byte-level tokens");
        Assert.All(encoding.Offsets.Skip(1), o => Assert.Equal(new TokenOffset(1, 3), o));
    }

    [Fact]
    public void Decode_SkipSpecialTokens_KeepsAddedTokensThatAreNotSpecial()
    {
        var ids = Qwen.Encode("<|im_start|>user\n<tool_call>x</tool_call><|im_end|>").Ids.ToArray();

        Assert.Equal("user\n<tool_call>x</tool_call>", Qwen.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>user\n<tool_call>x</tool_call><|im_end|>", Qwen.Decode(ids));
    }

    [Fact]
    public void Decode_UnknownIds_AreSkipped()
    {
        int[] ids = [.. Qwen.Encode("hi").Ids, 999_999, -1];

        Assert.Equal("hi", Qwen.Decode(ids));
    }
}
