using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RagPlatform.Ingestion.Parsing;

/// <summary>
/// .pdf through poppler's pdftotext in a child process: the process, not this one, absorbs whatever a hostile PDF does.
/// It runs under the parse timeout and an output cap, and is killed (with its tree) when either is crossed; each page
/// (pdftotext ends pages with a form feed) becomes a section "Page N".
/// </summary>
internal sealed class PdfParser(ParsingOptions options) : IDocumentParser
{
    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public async Task<ParsedDocument> ParseAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!content.Span.StartsWith("%PDF-"u8))
        {
            throw new DocumentRejectedException("The file is not a PDF (no %PDF- header).");
        }

        var text = await ExtractAsync(content, cancellationToken).ConfigureAwait(false);
        var builder = new SectionedTextBuilder(options.MaxExtractedCharacters);
        var pages = text.Split('\f');
        for (var page = 0; page < pages.Length; page++)
        {
            builder.Section(["Page " + (page + 1).ToString(CultureInfo.InvariantCulture)]);
            foreach (var paragraph in pages[page].Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
            {
                builder.Block(paragraph);
            }
        }

        return builder.Build();
    }

    private async Task<string> ExtractAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(options.PdfToTextPath)
            {
                ArgumentList = { "-layout", "-enc", "UTF-8", "-q", "-", "-" },
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DocumentRejectedException($"PDF text extraction is unavailable ({options.PdfToTextPath}: {e.Message}).", e);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ParseTimeout);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var stdout = ReadCappedAsync(process.StandardOutput.BaseStream, timeout.Token);
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(content, timeout.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // pdftotext stopped reading (it gave up on the file): its exit code and stderr say why.
            }

            var text = await stdout.ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var reason = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
                throw new DocumentRejectedException($"The PDF could not be read (pdftotext exit {process.ExitCode}: {reason ?? "no message"}).");
            }

            return text;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DocumentRejectedException($"PDF text extraction took longer than {options.ParseTimeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Reads UTF-8 output but stops (the caller then kills the process) past the character limit.</summary>
    private async Task<string> ReadCappedAsync(Stream output, CancellationToken cancellationToken)
    {
        // Four bytes per character at most: a byte cap this size can never cut off text under the character limit.
        var cap = (long)options.MaxExtractedCharacters * 4;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await output.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > cap)
            {
                throw new DocumentRejectedException($"The PDF's text exceeds the limit of {options.MaxExtractedCharacters} characters.");
            }
        }

        return new UTF8Encoding(false, false).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
