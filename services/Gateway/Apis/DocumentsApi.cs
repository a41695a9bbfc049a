using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RagPlatform.Client;
using RagPlatform.Contracts.V1;
using RagPlatform.Gateway.Errors;

namespace RagPlatform.Gateway.Apis;

/// <summary>/v1/collections/{collection}/documents: upload (multipart), list, status, delete.</summary>
public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/collections/{collection}/documents").WithTags("Documents");
        group.MapPost("", UploadAsync).WithSummary("Uploads files (multipart/form-data, field \"file\"); each is stored durably and queued for indexing.")
            .Produces<UploadResult>(StatusCodes.Status202Accepted).ProducesProblem(413).ProducesProblem(415).DisableAntiforgery();
        group.MapGet("", ListAsync).WithSummary("Lists documents with their ingestion status, a page at a time.").Produces<DocumentList>();
        group.MapGet("/{documentId}", GetAsync).WithSummary("One document's ingestion status.").Produces<DocumentResource>().ProducesProblem(404);
        group.MapDelete("/{documentId}", DeleteAsync).WithSummary("Deletes a document and all its chunks.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404);
        return app;
    }

    private static async Task<IResult> UploadAsync(string collection, HttpContext context, Collections.CollectionsClient collections, IOptions<GatewayOptions> options)
    {
        CollectionsApi.Authorize(context, collection);
        var limits = options.Value;
        var bodyLimit = (limits.MaxUploadBytes * limits.MaxFilesPerUpload) + (1024 * 1024);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = bodyLimit;
        }

        if (!context.Request.HasFormContentType || !context.Request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw GatewayProblem.UnsupportedMediaType("Upload files as multipart/form-data, one or more parts named \"file\".");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = bodyLimit,
                ValueCountLimit = limits.MaxFilesPerUpload + 8,
                MultipartHeadersLengthLimit = 16 * 1024,
            }, context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException || (ex is IOException && !context.RequestAborted.IsCancellationRequested))
        {
            // A truncated or garbled body ends the multipart reader with an IOException ("unexpected end of stream").
            throw GatewayProblem.BadRequest($"The multipart body is malformed, truncated or over a limit: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw GatewayProblem.TooLarge($"The upload is over {bodyLimit} bytes ({limits.MaxFilesPerUpload} files of at most {limits.MaxUploadBytes} bytes).");
        }

        var files = form.Files.GetFiles("file");
        if (files.Count == 0)
        {
            throw GatewayProblem.BadRequest("The upload has no part named \"file\".");
        }

        if (files.Count > limits.MaxFilesPerUpload)
        {
            throw GatewayProblem.TooLarge($"The upload has {files.Count} files; at most {limits.MaxFilesPerUpload} per request.");
        }

        var documentId = form["documentId"].ToString();
        if (documentId.Length > 0 && files.Count > 1)
        {
            throw GatewayProblem.BadRequest("documentId names one document; send one file with it.");
        }

        var accepted = new List<DocumentResource>();
        foreach (var file in files)
        {
            if (file.Length > limits.MaxUploadBytes)
            {
                throw GatewayProblem.TooLarge($"'{file.FileName}' is {file.Length} bytes; files may be at most {limits.MaxUploadBytes} bytes.");
            }

            await using var stream = file.OpenReadStream();
            var request = new UploadDocumentRequest
            {
                Collection = collection,
                FileName = file.FileName,
                DocumentId = documentId,
                Content = await ByteString.FromStreamAsync(stream, context.RequestAborted),
            };
            accepted.Add((await collections.UploadDocumentAsync(request, CallDeadline.For(context))).ToResource());
        }

        return Results.Accepted($"/v1/collections/{collection}/documents", new UploadResult(accepted));
    }

    private static async Task<DocumentList> ListAsync(string collection, HttpContext context, Collections.CollectionsClient collections, int? pageSize, string? pageToken)
    {
        CollectionsApi.Authorize(context, collection);
        var page = await collections.ListDocumentsAsync(
            new ListDocumentsRequest { Collection = collection, PageSize = pageSize ?? 0, PageToken = pageToken ?? "" }, CallDeadline.For(context));
        return new DocumentList([.. page.Documents.Select(ResourceMapping.ToResource)], page.NextPageToken.Length > 0 ? page.NextPageToken : null);
    }

    private static async Task<DocumentResource> GetAsync(string collection, string documentId, HttpContext context, Collections.CollectionsClient collections)
    {
        CollectionsApi.Authorize(context, collection);
        return (await collections.GetDocumentAsync(
            new GetDocumentRequest { Collection = collection, DocumentId = documentId }, CallDeadline.For(context))).ToResource();
    }

    private static async Task<IResult> DeleteAsync(string collection, string documentId, HttpContext context, Collections.CollectionsClient collections)
    {
        CollectionsApi.Authorize(context, collection);
        await collections.DeleteDocumentAsync(new DeleteDocumentRequest { Collection = collection, DocumentId = documentId }, CallDeadline.For(context));
        return Results.NoContent();
    }
}
