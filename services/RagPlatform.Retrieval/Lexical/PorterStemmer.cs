namespace RagPlatform.Retrieval.Lexical;

/// <summary>
/// M. F. Porter's 1980 suffix-stripping algorithm for English (with the "bli" and "logi" rules of his later
/// reference version). Operates on lower-case ASCII words; anything else is returned unchanged.
/// Not thread-safe: one instance per analyzing thread (the buffer is reused to avoid allocations).
/// </summary>
internal sealed class PorterStemmer
{
    private char[] _b = new char[64];
    private int _k; // index of the last character of the word
    private int _j; // end of the stem once a suffix matched

    public string Stem(string word)
    {
        if (word.Length <= 2 || !IsLowerAscii(word))
        {
            return word;
        }

        if (_b.Length < word.Length)
        {
            _b = new char[word.Length * 2];
        }

        word.CopyTo(0, _b, 0, word.Length);
        _k = word.Length - 1;
        Step1Ab();
        if (_k > 0)
        {
            Step1C();
            Step2();
            Step3();
            Step4();
            Step5();
        }

        return _b.AsSpan(0, _k + 1).SequenceEqual(word) ? word : new string(_b, 0, _k + 1);
    }

    private static bool IsLowerAscii(string word)
    {
        foreach (var c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }

    private bool IsConsonant(int i) => _b[i] switch
    {
        'a' or 'e' or 'i' or 'o' or 'u' => false,
        'y' => i == 0 || !IsConsonant(i - 1),
        _ => true,
    };

    /// <summary>The number of vowel-consonant sequences in b[0..j].</summary>
    private int Measure()
    {
        var n = 0;
        var i = 0;
        while (true)
        {
            if (i > _j)
            {
                return n;
            }

            if (!IsConsonant(i))
            {
                break;
            }

            i++;
        }

        i++;
        while (true)
        {
            while (true)
            {
                if (i > _j)
                {
                    return n;
                }

                if (IsConsonant(i))
                {
                    break;
                }

                i++;
            }

            i++;
            n++;
            while (true)
            {
                if (i > _j)
                {
                    return n;
                }

                if (!IsConsonant(i))
                {
                    break;
                }

                i++;
            }

            i++;
        }
    }

    private bool VowelInStem()
    {
        for (var i = 0; i <= _j; i++)
        {
            if (!IsConsonant(i))
            {
                return true;
            }
        }

        return false;
    }

    private bool DoubleConsonant(int j) => j >= 1 && _b[j] == _b[j - 1] && IsConsonant(j);

    /// <summary>True when i-2, i-1, i is consonant-vowel-consonant and the last is not w, x or y.</summary>
    private bool Cvc(int i)
    {
        if (i < 2 || !IsConsonant(i) || IsConsonant(i - 1) || !IsConsonant(i - 2))
        {
            return false;
        }

        return _b[i] is not ('w' or 'x' or 'y');
    }

    private bool Ends(string suffix)
    {
        var length = suffix.Length;
        if (length > _k + 1 || !_b.AsSpan(_k - length + 1, length).SequenceEqual(suffix))
        {
            return false;
        }

        _j = _k - length;
        return true;
    }

    private void SetTo(string replacement)
    {
        replacement.CopyTo(0, _b, _j + 1, replacement.Length);
        _k = _j + replacement.Length;
    }

    private void ReplaceIfMeasured(string replacement)
    {
        if (Measure() > 0)
        {
            SetTo(replacement);
        }
    }

    private void Step1Ab()
    {
        if (_b[_k] == 's')
        {
            if (Ends("sses"))
            {
                _k -= 2;
            }
            else if (Ends("ies"))
            {
                SetTo("i");
            }
            else if (_b[_k - 1] != 's')
            {
                _k--;
            }
        }

        if (Ends("eed"))
        {
            if (Measure() > 0)
            {
                _k--;
            }
        }
        else if ((Ends("ed") || Ends("ing")) && VowelInStem())
        {
            _k = _j;
            if (Ends("at"))
            {
                SetTo("ate");
            }
            else if (Ends("bl"))
            {
                SetTo("ble");
            }
            else if (Ends("iz"))
            {
                SetTo("ize");
            }
            else if (DoubleConsonant(_k))
            {
                _k--;
                if (_b[_k] is 'l' or 's' or 'z')
                {
                    _k++;
                }
            }
            else
            {
                _j = _k;
                if (Measure() == 1 && Cvc(_k))
                {
                    SetTo("e");
                }
            }
        }
    }

    private void Step1C()
    {
        if (Ends("y") && VowelInStem())
        {
            _b[_k] = 'i';
        }
    }

    private static readonly (string Suffix, string Replacement)[][] Step2Rules = BuildStep2();

    private static (string, string)[][] BuildStep2()
    {
        // Grouped by the penultimate letter, as in Porter's reference code, to test few suffixes per word.
        (string, string)[] all =
        [
            ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("bli", "ble"),
            ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
            ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"),
            ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"),
        ];
        var groups = new (string, string)[26][];
        for (var c = 'a'; c <= 'z'; c++)
        {
            groups[c - 'a'] = [.. all.Where(r => r.Item1[^2] == c)];
        }

        return groups;
    }

    private void Step2()
    {
        if (_k < 1)
        {
            return;
        }

        foreach (var (suffix, replacement) in Step2Rules[_b[_k - 1] - 'a'])
        {
            if (Ends(suffix))
            {
                ReplaceIfMeasured(replacement);
                return;
            }
        }
    }

    private static readonly (string Suffix, string Replacement)[] Step3Rules =
    [
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ];

    private void Step3()
    {
        foreach (var (suffix, replacement) in Step3Rules)
        {
            if (Ends(suffix))
            {
                ReplaceIfMeasured(replacement);
                return;
            }
        }
    }

    private static readonly string[] Step4Suffixes =
    [
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti",
        "ous", "ive", "ize",
    ];

    private void Step4()
    {
        foreach (var suffix in Step4Suffixes)
        {
            if (!Ends(suffix))
            {
                continue;
            }

            // "ement" before "ment" before "ent": the first, longest match decides, as in the reference code.
            if (suffix == "ion" && (_j < 0 || _b[_j] is not ('s' or 't')))
            {
                return;
            }

            if (Measure() > 1)
            {
                _k = _j;
            }

            return;
        }
    }

    private void Step5()
    {
        _j = _k;
        if (_b[_k] == 'e')
        {
            var m = Measure();
            if (m > 1 || (m == 1 && !Cvc(_k - 1)))
            {
                _k--;
            }
        }

        if (_b[_k] == 'l' && DoubleConsonant(_k) && Measure() > 1)
        {
            _k--;
        }
    }
}
