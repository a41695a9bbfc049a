namespace RagPlatform.Ingestion.Parsing;

/// <summary>Picks the parser for a file by its extension and applies the limits every parser shares.</summary>
public sealed class DocumentParsers
{
    private readonly Dictionary<string, IDocumentParser> _byExtension = new(StringComparer.OrdinalIgnoreCase);

    public DocumentParsers(ParsingOptions options, IEnumerable<IDocumentParser>? extraParsers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        IDocumentParser[] builtIn =
        [
            new PlainTextParser(options), new MarkdownParser(options), new HtmlParser(options), new DocxParser(options),
            new PdfParser(options), new JsonRecordsParser(options),
        ];
        foreach (var parser in builtIn.Concat(extraParsers ?? []))
        {
            foreach (var extension in parser.Extensions)
            {
                _byExtension[extension] = parser;
            }
        }
    }

    public ParsingOptions Options { get; }

    public bool Supports(string fileName) => _byExtension.ContainsKey(Path.GetExtension(fileName));

    /// <exception cref="DocumentRejectedException">Unsupported type, empty, over a limit, corrupt, or too slow.</exception>
    public async Task<ParsedDocument> ParseAsync(string fileName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var extension = Path.GetExtension(fileName);
        if (!_byExtension.TryGetValue(extension, out var parser))
        {
            throw new DocumentRejectedException($"No parser for '{extension}' files.");
        }

        if (content.Length == 0)
        {
            throw new DocumentRejectedException("The file is empty.");
        }

        if (content.Length > Options.MaxFileBytes)
        {
            throw new DocumentRejectedException($"The file is {content.Length} bytes, over the limit of {Options.MaxFileBytes}.");
        }

        // Parsers other than PDF run in-process and are not all cancellable inside (Markdig, AngleSharp): the timeout
        // abandons a runaway parse so the caller moves on; the work is bounded by the size limits anyway.
        try
        {
            return await Task.Run(() => parser.ParseAsync(content, cancellationToken), cancellationToken)
                .WaitAsync(Options.ParseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new DocumentRejectedException($"Parsing took longer than {Options.ParseTimeout.TotalSeconds:0.#} s.", e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new DocumentRejectedException("The document is nested too deeply.", e);
        }
    }
}
