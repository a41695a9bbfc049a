using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelStore.Tests.Infrastructure;

/// <summary>A file of a fake repository; <paramref name="Lfs"/> files are redirected to the fake CDN as the hub does.</summary>
internal sealed record FakeHubFile(byte[] Content, bool Lfs)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));

    /// <summary>What git names the blob: SHA-1 of "blob {size}\0" + content (of the pointer file, for LFS files).</summary>
    public string GitOid => GitBlobId(Lfs ? Encoding.ASCII.GetBytes(Pointer) : Content);

    public string Pointer => $"version https://git-lfs.github.com/spec/v1\noid sha256:{Sha256}\nsize {Content.Length}\n";

    public static string GitBlobId(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}

/// <summary>One request the fake saw.</summary>
/// <param name="Origin">"hub" or "cdn".</param>
internal sealed record FakeHubRequest(string Origin, string Method, string Path, string? Range, string? Authorization);

/// <summary>
/// A FAKE Hugging Face hub for tests: a real Kestrel server on two loopback ports picked by the OS, one playing the
/// hub and one its CDN (so they are different origins, like huggingface.co and its LFS CDN). It serves the URL
/// shapes and headers the real hub uses: GET /api/models/{repo}/tree/{revision}?recursive=true (paged with a Link
/// header), and /{repo}/resolve/{revision}/{path}, which answers plain files itself (ETag = git blob id) and
/// redirects LFS files with 302 to the CDN (X-Linked-Etag = sha256, X-Linked-Size). Bytes support Range requests.
/// Switches inject faults: drop the connection mid-file, serve corrupted bytes, ignore Range, answer a status.
/// </summary>
internal sealed partial class FakeModelHub : IAsyncDisposable
{
    /// <summary>The fault key of the repository listing.</summary>
    public const string Listing = "(listing)";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, FakeHubFile>> _repositories = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _drops = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _dropAfter = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Status, int Remaining)> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _corrupt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _ignoreRange = new(StringComparer.Ordinal);
    private int _cdnPort;

    private FakeModelHub(WebApplication app) => _app = app;

    public Uri HubUrl { get; private set; } = null!;

    public Uri CdnUrl { get; private set; } = null!;

    /// <summary>When set, the hub answers 401 to requests without "Authorization: Bearer {token}".</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Entries per listing page; more entries get a Link rel="next" header.</summary>
    public int ListingPageSize { get; set; } = 1_000;

    /// <summary>Overrides X-Repo-Commit (the hub names the commit a revision resolved to).</summary>
    public string? ServedCommit { get; set; }

    public ConcurrentQueue<FakeHubRequest> Requests { get; } = new();

    public static async Task<FakeModelHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var hub = new FakeModelHub(app);
        app.Run(hub.HandleAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToArray();
        hub.HubUrl = new Uri(addresses[0].GetLeftPart(UriPartial.Authority) + "/");
        hub.CdnUrl = new Uri(addresses[1].GetLeftPart(UriPartial.Authority) + "/");
        hub._cdnPort = addresses[1].Port;
        return hub;
    }

    public void AddRepository(string repository, string revision, IReadOnlyDictionary<string, FakeHubFile> files) =>
        _repositories[$"{repository}@{revision}"] = files;

    /// <summary>The next <paramref name="times"/> transfers of <paramref name="path"/> stop after byte <paramref name="offset"/> (counted from the file start) and the connection is cut.</summary>
    public void DropConnectionAfter(string path, long offset, int times = 1)
    {
        _dropAfter[path] = offset;
        _drops[path] = times;
    }

    /// <summary>The next <paramref name="times"/> transfers of <paramref name="path"/> each deliver <paramref name="bytes"/> bytes from where they start, then the connection is cut.</summary>
    public void CutEveryTransferAfter(string path, long bytes, int times)
    {
        _dropAfter[path] = -bytes;
        _drops[path] = times;
    }

    /// <summary>Serves <paramref name="path"/> with one byte flipped, while the listing and headers keep announcing the real checksums.</summary>
    public void Corrupt(string path) => _corrupt[path] = true;

    /// <summary>Answers Range requests for <paramref name="path"/> with the whole file (200), as some servers do.</summary>
    public void IgnoreRange(string path) => _ignoreRange[path] = true;

    /// <summary>The next <paramref name="times"/> requests for <paramref name="path"/> (or <see cref="Listing"/>) get <paramref name="status"/>.</summary>
    public void FailWith(string path, int status, int times = int.MaxValue) => _failures[path] = (status, times);

    public IReadOnlyList<FakeHubRequest> RequestsFor(string origin, string pathSuffix) =>
        Requests.Where(r => r.Origin == origin && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var onCdn = context.Connection.LocalPort == _cdnPort;
        var path = Uri.UnescapeDataString(request.Path.Value ?? "/");
        Requests.Enqueue(new FakeHubRequest(onCdn ? "cdn" : "hub", request.Method, path, request.Headers.Range.FirstOrDefault(),
            request.Headers.Authorization.FirstOrDefault()));
        if (onCdn)
        {
            await ServeCdnAsync(context, path);
            return;
        }

        if (RequiredToken is { } token && request.Headers.Authorization.FirstOrDefault() != $"Bearer {token}")
        {
            await ErrorAsync(context, 401, "RepoNotFound", "Invalid credentials in Authorization header");
            return;
        }

        if (TreePattern().Match(path) is { Success: true } tree)
        {
            await ServeListingAsync(context, tree.Groups["repo"].Value, tree.Groups["revision"].Value);
        }
        else if (ResolvePattern().Match(path) is { Success: true } resolve)
        {
            await ResolveAsync(context, resolve.Groups["repo"].Value, resolve.Groups["revision"].Value, resolve.Groups["path"].Value);
        }
        else
        {
            await ErrorAsync(context, 404, "EntryNotFound", "The fake hub does not serve this URL");
        }
    }

    private async Task ServeListingAsync(HttpContext context, string repository, string revision)
    {
        if (TakeFailure(Listing) is { } status)
        {
            await ErrorAsync(context, status, null, "Injected failure");
            return;
        }

        if (!_repositories.TryGetValue($"{repository}@{revision}", out var files))
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }

        var entries = new List<JsonObject>();
        foreach (var directory in files.Keys.Where(p => p.Contains('/')).Select(p => p[..p.LastIndexOf('/')]).Distinct().Order(StringComparer.Ordinal))
        {
            entries.Add(new JsonObject { ["type"] = "directory", ["oid"] = FakeHubFile.GitBlobId(Encoding.UTF8.GetBytes(directory)), ["size"] = 0, ["path"] = directory });
        }

        foreach (var (path, file) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var entry = new JsonObject { ["type"] = "file", ["oid"] = file.GitOid, ["size"] = file.Content.Length, ["path"] = path };
            if (file.Lfs)
            {
                entry["lfs"] = new JsonObject { ["oid"] = file.Sha256, ["size"] = file.Content.Length, ["pointerSize"] = file.Pointer.Length };
            }

            entries.Add(entry);
        }

        var cursor = int.TryParse(context.Request.Query["cursor"], CultureInfo.InvariantCulture, out var start) ? start : 0;
        var page = entries.Skip(cursor).Take(ListingPageSize).ToList();
        if (cursor + page.Count < entries.Count)
        {
            var next = new Uri(HubUrl, $"api/models/{repository}/tree/{revision}?recursive=true&expand=false&cursor={cursor + page.Count}");
            context.Response.Headers.Link = $"<{next.AbsoluteUri}>; rel=\"next\"";
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonArray([.. page]).ToJsonString());
    }

    private async Task ResolveAsync(HttpContext context, string repository, string revision, string path)
    {
        if (!_repositories.TryGetValue($"{repository}@{revision}", out var files))
        {
            await ErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}");
            return;
        }

        if (TakeFailure(path) is { } status)
        {
            context.Response.Headers.RetryAfter = "0";
            await ErrorAsync(context, status, null, "Injected failure");
            return;
        }

        if (!files.TryGetValue(path, out var file))
        {
            await ErrorAsync(context, 404, "EntryNotFound", $"{path} does not exist on \"{revision}\"");
            return;
        }

        context.Response.Headers["X-Repo-Commit"] = ServedCommit ?? revision;
        if (file.Lfs)
        {
            context.Response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            context.Response.Headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.ETag = $"\"{file.Sha256}\"";
            context.Response.Headers.Location = new Uri(CdnUrl, $"repos/{file.Sha256}?X-Amz-Signature=fake&path={Uri.EscapeDataString(path)}").AbsoluteUri;
            context.Response.StatusCode = 302;
            return;
        }

        context.Response.Headers.ETag = $"\"{file.GitOid}\"";
        await ServeBytesAsync(context, path, file.Content);
    }

    private async Task ServeCdnAsync(HttpContext context, string path)
    {
        // Like a presigned S3 URL: a request carrying a second credential is refused.
        if (context.Request.Headers.Authorization.Count > 0)
        {
            await ErrorAsync(context, 400, "InvalidArgument", "Only one auth mechanism allowed");
            return;
        }

        var sha256 = path.StartsWith("/repos/", StringComparison.Ordinal) ? path["/repos/".Length..] : "";
        var (filePath, file) = _repositories.Values.SelectMany(r => r).FirstOrDefault(f => f.Value.Lfs && f.Value.Sha256 == sha256);
        if (file is null)
        {
            await ErrorAsync(context, 404, "NoSuchKey", "The fake CDN has no such object");
            return;
        }

        context.Response.Headers.ETag = $"\"{sha256[..32]}\"";
        await ServeBytesAsync(context, filePath, file.Content);
    }

    private async Task ServeBytesAsync(HttpContext context, string path, byte[] content)
    {
        if (_corrupt.ContainsKey(path))
        {
            content = [.. content];
            content[content.Length / 2] ^= 0x5A;
        }

        var response = context.Response;
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = "application/octet-stream";
        long start = 0;
        if (!_ignoreRange.ContainsKey(path) && RangePattern().Match(context.Request.Headers.Range.FirstOrDefault() ?? "") is { Success: true } range)
        {
            start = long.Parse(range.Groups["start"].Value, CultureInfo.InvariantCulture);
            if (start >= content.Length)
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }

            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        response.ContentLength = content.Length - start;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var end = content.Length;
        var drop = _drops.TryGetValue(path, out var remaining) && remaining > 0 && _drops.TryUpdate(path, remaining - 1, remaining);
        if (drop)
        {
            var after = _dropAfter[path];
            end = (int)Math.Clamp(after >= 0 ? after : start - after, start, content.Length);
        }

        for (var offset = (int)start; offset < end; offset += 64 * 1024)
        {
            await response.Body.WriteAsync(content.AsMemory(offset, Math.Min(64 * 1024, end - offset)));
        }

        if (drop)
        {
            // Let the bytes reach the client before the cut, as a connection lost in transit would.
            await response.Body.FlushAsync();
            await Task.Delay(200);
            context.Abort();
        }
    }

    private int? TakeFailure(string key)
    {
        while (_failures.TryGetValue(key, out var failure) && failure.Remaining > 0)
        {
            if (_failures.TryUpdate(key, failure with { Remaining = failure.Remaining - 1 }, failure))
            {
                return failure.Status;
            }
        }

        return null;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string? code, string message)
    {
        context.Response.StatusCode = status;
        if (code is not null)
        {
            context.Response.Headers["X-Error-Code"] = code;
        }

        context.Response.Headers["X-Error-Message"] = message;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["error"] = message }.ToJsonString());
    }

    [GeneratedRegex("^/api/models/(?<repo>[^/]+/[^/]+)/tree/(?<revision>[^/]+)$")]
    private static partial Regex TreePattern();

    [GeneratedRegex("^/(?<repo>[^/]+/[^/]+)/resolve/(?<revision>[^/]+)/(?<path>.+)$")]
    private static partial Regex ResolvePattern();

    [GeneratedRegex(@"^bytes=(?<start>\d+)-(?<end>\d*)$")]
    private static partial Regex RangePattern();
}
