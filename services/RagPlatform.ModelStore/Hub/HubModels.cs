using System.Text.Json;

namespace RagPlatform.ModelStore.Hub;

/// <summary>
/// One file of a repository listing at a revision. For files stored with LFS the hub publishes the content's
/// sha256 (<see cref="LfsSha256"/>); for the others only the git blob id (<see cref="GitOid"/>, SHA-1 of
/// "blob {size}\0" + content).
/// </summary>
internal sealed record HubEntry(string Path, long Size, string? GitOid, string? LfsSha256);

/// <summary>What the hub's resolve response says about a file before its bytes arrive.</summary>
/// <param name="LinkedSha256">X-Linked-Etag of an LFS file (the content sha256), or an ETag that is a sha256.</param>
/// <param name="GitOid">The ETag of a plain git file: its blob id.</param>
/// <param name="LinkedSize">X-Linked-Size: the size of the file the redirect leads to.</param>
/// <param name="Commit">X-Repo-Commit: the commit the revision resolved to.</param>
internal sealed record HubFileHeaders(string? LinkedSha256, string? GitOid, long? LinkedSize, string? Commit)
{
    public static HubFileHeaders Empty { get; } = new(null, null, null, null);

    public static HubFileHeaders From(HttpResponseMessage response)
    {
        var linked = Tag(Header(response, "X-Linked-Etag"));
        var etag = Tag(response.Headers.ETag?.Tag);
        return new HubFileHeaders(
            ModelNames.IsSha256(linked) ? linked : ModelNames.IsSha256(etag) ? etag : null,
            ModelNames.IsGitSha1(etag) ? etag : null,
            long.TryParse(Header(response, "X-Linked-Size"), out var size) && size >= 0 ? size : null,
            Header(response, "X-Repo-Commit") is { Length: > 0 } commit ? commit.Trim().ToLowerInvariant() : null);
    }

    /// <summary>A later hop of the hub (a renamed repository redirects within the hub) adds to what earlier hops said.</summary>
    public HubFileHeaders Merge(HubFileHeaders later) => new(
        later.LinkedSha256 ?? LinkedSha256, later.GitOid ?? GitOid, later.LinkedSize ?? LinkedSize, later.Commit ?? Commit);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Strips the weak marker and quotes of an entity tag and lower-cases its hex.</summary>
    private static string? Tag(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var tag = value.Trim();
        if (tag.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
        {
            tag = tag[2..];
        }

        return tag.Trim('"').ToLowerInvariant();
    }
}

/// <summary>An open resolve response (after redirects) and what the hub's own hops said about the file.</summary>
internal sealed class HubFileResponse(HttpResponseMessage response, HubFileHeaders headers) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public HubFileHeaders Headers { get; } = headers;

    public void Dispose() => Response.Dispose();
}

/// <summary>Parses the JSON of GET /api/models/{repo}/tree/{revision}: an array of file and directory entries.</summary>
internal static class HubListing
{
    public static IEnumerable<HubEntry> Parse(ReadOnlyMemory<byte> json, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: the hub's listing is not valid JSON ({error.Message}).", innerException: error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: the hub's listing is not a JSON array.");
            }

            var entries = new List<HubEntry>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || String(item, "type") != "file" || String(item, "path") is not { } path)
                {
                    continue;
                }

                var size = item.TryGetProperty("size", out var sizeValue) && sizeValue.TryGetInt64(out var s) ? s : -1;
                var lfs = item.TryGetProperty("lfs", out var lfsValue) && lfsValue.ValueKind == JsonValueKind.Object
                    ? String(lfsValue, "oid")?.ToLowerInvariant()
                    : null;
                var oid = String(item, "oid")?.ToLowerInvariant();
                entries.Add(new HubEntry(path, size, ModelNames.IsGitSha1(oid) ? oid : null, ModelNames.IsSha256(lfs) ? lfs : null));
            }

            return entries;
        }
    }

    /// <summary>The rel="next" target of a Link header (the hub pages long listings), or null on the last page.</summary>
    public static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[0].StartsWith('<') && parts[0].EndsWith('>')
                && parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next"))
            {
                return Uri.TryCreate(current, parts[0][1..^1], out var next) ? next : null;
            }
        }

        return null;
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Maps hub statuses to the store's errors; the hub's own message (X-Error-Message) is kept, shortened.</summary>
internal static class HubStatus
{
    public static Exception Failure(HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        var hubMessage = response.Headers.TryGetValues("X-Error-Message", out var values) ? Clean(values.FirstOrDefault()) : null;
        var detail = hubMessage is null ? "" : $" ({hubMessage})";
        return status switch
        {
            401 => new ModelStoreException(ModelStoreError.Unauthorized,
                $"{what}: the hub answered 401 Unauthorized{detail}. The repository may be private or gated, or may not exist: set HF_TOKEN to a token that can read it."),
            403 => new ModelStoreException(ModelStoreError.Forbidden,
                $"{what}: the hub answered 403 Forbidden{detail}. The token may lack access, or the model's terms must be accepted on the hub first."),
            404 => new ModelStoreException(ModelStoreError.NotFound, $"{what}: the hub answered 404 Not Found{detail}."),
            408 or 429 or >= 500 => new TransientHubException($"{what}: the hub answered {status} {response.ReasonPhrase}{detail}", RetryAfter(response)),
            _ => new ModelStoreException(ModelStoreError.ProtocolError, $"{what}: unexpected answer {status} {response.ReasonPhrase}{detail}."),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Hub text goes into exception messages and terminals: one line, printable, bounded.</summary>
    private static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var printable = new string(text.Where(c => !char.IsControl(c)).Take(300).ToArray()).Trim();
        return printable.Length == 0 ? null : printable;
    }
}
