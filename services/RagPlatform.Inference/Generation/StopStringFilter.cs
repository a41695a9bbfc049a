using System.Text;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// Finds stop strings in streamed text. Text that could still be the start of a stop string is held back until the
/// next piece decides it; a stop string and everything after it is never released.
/// </summary>
internal sealed class StopStringFilter(IReadOnlyList<string> stopStrings)
{
    private readonly StringBuilder _pending = new();

    public bool Stopped { get; private set; }

    /// <summary>Adds streamed text; returns what is now safe to emit. After a stop string is found, everything is swallowed.</summary>
    public string Push(string text)
    {
        if (Stopped)
        {
            return string.Empty;
        }

        if (stopStrings.Count == 0)
        {
            return text;
        }

        _pending.Append(text);
        var pending = _pending.ToString();
        var stopAt = -1;
        foreach (var stop in stopStrings)
        {
            var index = pending.IndexOf(stop, StringComparison.Ordinal);
            if (index >= 0 && (stopAt < 0 || index < stopAt))
            {
                stopAt = index;
            }
        }

        if (stopAt >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return pending[..stopAt];
        }

        var hold = HeldBack(pending);
        _pending.Remove(0, pending.Length - hold);
        return pending[..^hold];
    }

    /// <summary>The stream ended without completing a stop string: what was held back is ordinary text.</summary>
    public string Flush()
    {
        var rest = Stopped ? string.Empty : _pending.ToString();
        _pending.Clear();
        return rest;
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that is a proper prefix of some stop string.</summary>
    private int HeldBack(string text)
    {
        var hold = 0;
        foreach (var stop in stopStrings)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > hold; length--)
            {
                if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    hold = length;
                    break;
                }
            }
        }

        return hold;
    }
}
