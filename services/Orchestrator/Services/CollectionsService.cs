using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Ingestion;

namespace RagPlatform.Orchestrator.Services;

/// <summary>rag.v1.Collections over the <see cref="DocumentLibrary"/>.</summary>
internal sealed class CollectionsService(DocumentLibrary library) : Collections.CollectionsBase
{
    public override Task<Collection> CreateCollection(CreateCollectionRequest request, ServerCallContext context) =>
        library.CreateCollectionAsync(request.Name, context.Deadline, context.CancellationToken);

    public override async Task<ListCollectionsResponse> ListCollections(ListCollectionsRequest request, ServerCallContext context) =>
        new() { Collections = { await library.ListCollectionsAsync(context.CancellationToken) } };

    public override Task<Collection> GetCollection(GetCollectionRequest request, ServerCallContext context) =>
        library.GetCollectionAsync(request.Name, context.CancellationToken);

    public override async Task<DeleteCollectionResponse> DeleteCollection(DeleteCollectionRequest request, ServerCallContext context)
    {
        await library.DeleteCollectionAsync(request.Name, context.CancellationToken);
        return new DeleteCollectionResponse();
    }

    public override Task<Document> UploadDocument(UploadDocumentRequest request, ServerCallContext context) =>
        library.UploadAsync(request, context.CancellationToken);

    public override async Task<ListDocumentsResponse> ListDocuments(ListDocumentsRequest request, ServerCallContext context)
    {
        var (documents, next) = await library.ListDocumentsAsync(request, context.CancellationToken);
        return new ListDocumentsResponse { Documents = { documents }, NextPageToken = next };
    }

    public override Task<Document> GetDocument(GetDocumentRequest request, ServerCallContext context) =>
        library.GetDocumentAsync(request.Collection, request.DocumentId, context.CancellationToken);

    public override async Task<DeleteDocumentResponse> DeleteDocument(DeleteDocumentRequest request, ServerCallContext context)
    {
        await library.DeleteDocumentAsync(request.Collection, request.DocumentId, context.CancellationToken);
        return new DeleteDocumentResponse();
    }
}
