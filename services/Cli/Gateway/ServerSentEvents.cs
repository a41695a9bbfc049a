using System.Runtime.CompilerServices;
using System.Text;

namespace RagPlatform.Cli.Gateway;

/// <summary>One server-sent event: its name ("message" when the stream names none) and its data lines joined by "\n".</summary>
internal sealed record ServerSentEvent(string Name, string Data);

/// <summary>
/// Reads a text/event-stream as the HTML standard defines it: lines end in LF, CRLF or CR; "event:" names the event,
/// "data:" lines accumulate; one space after the colon is dropped; lines starting with ":" are comments; a blank line
/// dispatches; an event without data is not dispatched; an unfinished event at the end of the stream is dropped.
/// </summary>
internal static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        await foreach (var item in ReadAsync(reader, cancellationToken))
        {
            yield return item;
        }
    }

    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? name = null;
        var data = new StringBuilder();
        var hasData = false;
        var first = true;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (first)
            {
                // A UTF-8 byte order mark may open the stream; it is not part of the first field.
                line = line.TrimStart('\uFEFF');
                first = false;
            }

            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerSentEvent(name is { Length: > 0 } ? name : "message", data.ToString());
                }

                name = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
            }
        }
    }
}
