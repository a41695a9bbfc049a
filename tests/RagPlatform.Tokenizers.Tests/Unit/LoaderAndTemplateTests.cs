using RagPlatform.Tokenizers.Bpe;
using RagPlatform.Tokenizers.Chat;
using RagPlatform.Tokenizers.Tests.Infrastructure;
using RagPlatform.Tokenizers.Text;

namespace RagPlatform.Tokenizers.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(ModelsCollection.Name)]
public sealed class LoaderAndTemplateTests(ModelsFixture models)
{
    [Fact]
    public void Load_MiniLm_ReadsRoleTokensAndMaxLength()
    {
        var special = models.MiniLm.SpecialTokens;

        Assert.Equal((101, 102, 0, 100, 103), (special.Cls, special.Sep, special.Pad, special.Unk, special.Mask));
        Assert.Equal(512, models.MiniLm.ModelMaxLength);
        Assert.Equal(30522, models.MiniLm.VocabularySize);
    }

    [Fact]
    public void Load_Qwen_ReadsEosListPadAndAddedTokens()
    {
        var qwen = models.QwenFromVocabFiles;

        Assert.Equal([151645, 151643], qwen.SpecialTokens.Eos);
        Assert.Equal(151643, qwen.SpecialTokens.Pad);
        Assert.Null(qwen.SpecialTokens.Unk);
        Assert.Equal(131072, qwen.ModelMaxLength);
        Assert.Equal(151665, qwen.VocabularySize);
        Assert.Equal(151644, qwen.TokenToId("<|im_start|>"));
        Assert.Contains(151644, qwen.SpecialTokens.All);
        Assert.DoesNotContain(151657, qwen.SpecialTokens.All); // <tool_call> is added but not special
    }

    [Fact]
    public void Load_MissingOrUnsupportedDirectory_FailsClearly()
    {
        var dir = Directory.CreateTempSubdirectory("rag-tokenizer-bad-");
        try
        {
            Assert.Throws<FileNotFoundException>(() => TokenizerLoader.Load(dir.FullName));
            File.WriteAllText(Path.Combine(dir.FullName, "tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");
            Assert.Throws<NotSupportedException>(() => TokenizerLoader.Load(dir.FullName));
            Assert.Throws<DirectoryNotFoundException>(() => TokenizerLoader.Load(Path.Combine(dir.FullName, "missing")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("it's THEY'LL", new[] { "it", "'s", " THEY", "'LL" })]
    [InlineData("a  b", new[] { "a", " ", " b" })]
    [InlineData("x\n\n  y", new[] { "x", "\n\n", " ", " y" })]
    [InlineData("1234", new[] { "1", "2", "3", "4" })]
    [InlineData("𝒜𝒜 𠀀", new[] { "𝒜𝒜", " 𠀀" })]
    [InlineData(" ...!\r\nok", new[] { " ...!\r\n", "ok" })]
    [InlineData("end   ", new[] { "end", "   " })]
    public void Qwen2PreTokenizer_Split_MatchesThePattern(string text, string[] expected)
    {
        var aligned = AlignedText.FromOriginal(text, 0, text.Length);
        var pieces = new List<(int Start, int End)>();

        Qwen2PreTokenizer.Split(aligned, 0, aligned.Length, pieces);

        Assert.Equal(expected, pieces.Select(p => text[p.Start..p.End]));
    }

    [Fact]
    public void QwenChatTemplate_NoSystemMessage_UsesTheDefaultAndAddsTheGenerationPrompt()
    {
        var text = QwenChatTemplate.Render([ChatMessage.User("Hi")], addGenerationPrompt: true);

        Assert.Equal(
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            text);
    }

    [Fact]
    public void QwenChatTemplate_SystemToolAndUnknownRoles_RenderLikeTheJinjaTemplate()
    {
        var text = QwenChatTemplate.Render(
        [
            ChatMessage.System("Be brief."), new ChatMessage("developer", "ignored"), ChatMessage.Tool("r1"), ChatMessage.Tool("r2"),
            ChatMessage.Assistant("Done."),
        ], addGenerationPrompt: false);

        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n" +
            "<|im_start|>user\n<tool_response>\nr1\n</tool_response>\n<tool_response>\nr2\n</tool_response><|im_end|>\n" +
            "<|im_start|>assistant\nDone.<|im_end|>\n",
            text);
    }
}
