using System.Text;
using System.Text.Json;

namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>
/// Inputs for parity runs: every SQuAD 2.0 dev question and paragraph, plus generated Unicode edge cases.
/// Lone surrogates are left out: they are not valid strings for the JSON round trip to the oracle.
/// </summary>
internal static class ParityCorpus
{
    private static readonly Lazy<(List<string> Questions, List<string> Contexts, List<(string Question, string Context)> Pairs)> Squad =
        new(LoadSquad);

    public static IReadOnlyList<string> SquadQuestions => Squad.Value.Questions;

    public static IReadOnlyList<string> SquadContexts => Squad.Value.Contexts;

    public static IReadOnlyList<(string Question, string Context)> SquadPairs => Squad.Value.Pairs;

    /// <summary>SQuAD questions and paragraphs followed by the edge cases.</summary>
    public static List<string> Texts() => [.. SquadQuestions, .. SquadContexts, .. EdgeCases()];

    public static List<string> EdgeCases()
    {
        var cases = new List<string>(Handwritten);
        cases.Add(new string('a', 1000));
        cases.Add(new string('x', 100));
        cases.Add(new string('x', 101));
        cases.Add("prefix " + new string('é', 100) + " suffix");
        cases.Add(string.Concat(Enumerable.Repeat("0123456789", 100)));
        cases.Add(string.Concat(Enumerable.Repeat("😀", 300)));
        cases.Add(string.Concat(Enumerable.Repeat("ab ", 400)));
        cases.Add(new string(' ', 1000) + "x");
        cases.Add(string.Concat(Enumerable.Repeat("\r\n", 50)));
        cases.Add(string.Concat(Enumerable.Repeat("中", 600)));

        var random = new Random(20241122);
        var pool = Handwritten.SelectMany(EnumerateTextElements).Distinct().ToArray();
        for (var i = 0; i < 400; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, 40);
            for (var k = 0; k < length; k++)
            {
                text.Append(pool[random.Next(pool.Length)]);
            }

            cases.Add(text.ToString());
        }

        // A random long word from letters of many scripts, at and around the 100-character WordPiece limit.
        var letters = "abcdéñßøαβγжщяאבגابت中文日本語한국어𠀀𝒜".EnumerateRunes().Select(r => r.ToString()).ToArray();
        foreach (var length in new[] { 99, 100, 101, 1000 })
        {
            cases.Add(string.Concat(Enumerable.Range(0, length).Select(_ => letters[random.Next(letters.Length)])));
        }

        return cases;
    }

    private static IEnumerable<string> EnumerateTextElements(string text)
    {
        var enumerator = System.Globalization.StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            yield return (string)enumerator.Current;
        }
    }

    private static readonly string[] Handwritten =
    [
        "", " ", "a", "Hello, World!", "  leading and trailing spaces   ", "UPPER lower MiXeD",
        // emoji: plain, ZWJ sequences, flags, skin tones, keycaps, variation selectors
        "😀", "I ❤️ NY", "👨‍👩‍👧‍👦 family", "👩🏽‍💻 coder", "🇺🇸🇯🇵🇩🇪 flags", "👍🏻👍🏼👍🏽👍🏾👍🏿", "1️⃣2️⃣#️⃣", "🏳️‍🌈", "☕︎ vs ☕️",
        // CJK, including astral Extension B ideographs and compatibility ideographs
        "中文测试，这是一个句子。", "日本語のテキストです。カタカナ、ひらがな", "한국어 텍스트입니다", "𠀀𠀁𪚥 rare", "豈更車 compat", "中a文b",
        // combining marks: decomposed, stacked, reordered, Hangul jamo
        "cafe\u0301", "a\u0308\u0304", "n\u0303o", "A\u030A vs Å", "\u1E9B\u0323", "q\u0307\u0323", "e\u0301\u0301\u0301",
        "\u1100\u1161\u11A8 jamo", "Tiếng Việt có dấu", "Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢L̠ͨͧͩ͘G̴̻͈͍͔̹̑͗̎̅͛́Ǫ̵̹̻̝̳͂̌̌͘!",
        "\u0301 starts with a mark", "x\u0345\u0301", "क्षत्रिय हिन्दी", "ภาษาไทย", "ཀྵ \u0F73\u0F75",
        // right-to-left
        "مرحبا بالعالم", "مَرْحَبًا", "שלום עולם", "עִבְרִית", "abc \u200Fעברית\u200E def", "\u202Eoverride\u202C",
        // control characters, NUL, C0/C1, format characters
        "a\u0000b", "\u0001\u0002x\u001F", "del\u007F", "c1\u0080\u0085\u009F", "zero\u200Bwidth", "\uFEFFbom", "soft\u00ADhyphen",
        "line\u2028sep\u2029para", "tab\tsep", "vt\u000Bff\u000C", "\u0000", "\uFFFD replacement", "\uE000 private use", "\U000F0000 plane15",
        "\u0378 unassigned", "\u2060word\u2060joiner",
        // whitespace runs
        "a    b", "\t\t", "\r\n\r\n", "x\u00A0y", "ideographic\u3000space", " \n \n ", "trailing   ", "   ", "\u2003\u2009\u200A",
        "a \n\n b", "a\n \n b", "  \r\n  x", "x \t \r\n", "\u0085next line", "\u1680ogham", "\u00A0\u00A0nbsp",
        // numbers
        "123,456.78", "3.14159", "1e10", "٣٤٥ arabic-indic", "Ⅻ roman", "½ ¾", "x² y³", "① ② ③", "100%", "-42", "0x1F", "१२३",
        // contractions and apostrophes
        "I'm here", "it'S", "they'LL", "WE'VE", "she'd", "'s", "don't", "rock'n'roll", "it’s typographic", "'", "''", "'re'", "O'Neil's",
        "'ſ long s",
        // special-token look-alikes
        "[CLS]", "[cls]", "[ SEP ]", "[SEP][SEP]", "x[MASK]y[PAD]z", "[UNK]", "<|im_start|>", "<|im_start|", "<|endoftext|><|endoftext|>",
        "<tool_call>", "<|IM_START|>", "<|im_end|>\n", "<|im_start|>user\nhi<|im_end|>", "< |im_start| >", "<<|im_end|>>",
        // casing
        "ΟΔΟΣ", "ΣΑΣ ΣΑΣ.", "Σ", "ΑΣ'Β", "ὈΔΥΣΣΕΎΣ", "İstanbul", "ǅ titlecase", "STRASSE ß", "ﬁ ligature", "ǄǅǆǇ", "ΑΣ\u0301", "ΑΣ\u00AD",
        // code, markup, symbols
        "def f(x):\n    return x**2  # comment", "https://example.com/path?q=1&r=2#frag", "user@example.com",
        "{\"key\": [1, 2, {\"nested\": null}]}", "# Title\n\n* item\n* **bold** _it_", "∑∫√∞≠≤≥", "€$¥£₹₿", "┌─┐│└┘", "<div class=\"x\">&amp;</div>",
        "SELECT * FROM t WHERE a <> 'b';", "C:\\Users\\name\\file.txt", "~!@#$%^&*()_+`-={}|[]\\:\";'<>?,./",
    ];

    private static (List<string>, List<string>, List<(string, string)>) LoadSquad()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(SharedFiles.Squad));
        var questions = new List<string>();
        var contexts = new List<string>();
        var pairs = new List<(string, string)>();
        foreach (var article in document.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                var context = paragraph.GetProperty("context").GetString()!;
                contexts.Add(context);
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    var question = qa.GetProperty("question").GetString()!;
                    questions.Add(question);
                    pairs.Add((question, context));
                }
            }
        }

        return (questions, contexts, pairs);
    }
}
