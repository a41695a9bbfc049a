using System.Text;
using System.Text.Json.Nodes;
using RagPlatform.Tokenizers.Tests.Infrastructure;
using RagPlatform.Tokenizers.Text;
using Xunit.Abstractions;

namespace RagPlatform.Tokenizers.Tests.Parity;

/// <summary>
/// The embedded Unicode tables against JavaScript itself: NFC, NFD and toLowerCase of every code point (in blocks)
/// and of random combining sequences.
/// </summary>
[Trait("Category", "Parity")]
public sealed class UnicodeParityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NormalizationAndLowercase_AllCodePointsAndCombiningSequences_EqualJavaScript()
    {
        var strings = new List<string>();
        var block = new StringBuilder();
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            block.Append(char.ConvertFromUtf32(cp));
            if (block.Length >= 64)
            {
                strings.Add(block.ToString());
                block.Clear();
            }
        }

        strings.Add(block.ToString());
        strings.AddRange(CombiningSequences());

        var response = await NodeOracle.RunAsync("unicode.mjs", new { strings });

        var report = new ParityReport("Unicode NFC/NFD/lowercase (vs JavaScript)", output);
        var nfc = response["nfc"]!.AsArray();
        var nfd = response["nfd"]!.AsArray();
        var lower = response["lower"]!.AsArray();
        for (var i = 0; i < strings.Count; i++)
        {
            var text = AlignedText.FromOriginal(strings[i], 0, strings[i].Length);
            report.Add(strings[i],
                ParityReport.DiffText("NFC", (string?)nfc[i], UnicodeNormalization.Nfc(text).Chars.ToString()),
                ParityReport.DiffText("NFD", (string?)nfd[i], UnicodeNormalization.Nfd(text).Chars.ToString()),
                ParityReport.DiffText("lowercase", (string?)lower[i], JsLowercase.Apply(text).Chars.ToString()));
        }

        report.Assert();
    }

    private static IEnumerable<string> CombiningSequences()
    {
        var random = new Random(11);
        int[] bases = ['a', 'e', 'o', 'u', 'A', 'E', 'O', 'U', 'i', 'n', 's', 'ſ', 'ü', 'Å', 'ω', 'Ω', 'α', 'ι', 'ε', 'η', 'и', 'क', 'ก', 0x1100, 0xAC00, 0xAC01, 0x0B47, 0x0DD9, 0x3099, 'Σ', ' '];
        int[] marks = [0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0306, 0x0307, 0x0308, 0x030A, 0x030C, 0x0313, 0x0314, 0x0316, 0x0323, 0x0327, 0x0328,
            0x0345, 0x0342, 0x093C, 0x094D, 0x0E38, 0x0E48, 0x1161, 0x11A8, 0x0B3E, 0x0B56, 0x0B57, 0x0DCA, 0x0DCF, 0x3099, 0x309A, 0x05B0, 0x0651, 0x064E,
            0x1DCE, 0x20D0, 0x0340, 0x0344, 0x00AD, 0x200D, '\'', '.'];
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder();
            var clusters = random.Next(1, 4);
            for (var c = 0; c < clusters; c++)
            {
                text.Append(char.ConvertFromUtf32(bases[random.Next(bases.Length)]));
                var count = random.Next(0, 5);
                for (var m = 0; m < count; m++)
                {
                    text.Append(char.ConvertFromUtf32(marks[random.Next(marks.Length)]));
                }
            }

            yield return text.ToString();
        }
    }
}
