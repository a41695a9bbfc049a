using Google.Protobuf.Reflection;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Contracts.Clients;

/// <summary>Typed client for rag.v1.Collections.</summary>
public sealed class CollectionsClient(GrpcChannel channel)
{
    private static readonly ServiceDescriptor Service = CollectionsReflection.Descriptor.FindTypeByName<ServiceDescriptor>("Collections");
    private static readonly Method<CreateCollectionRequest, Collection> CreateCollectionMethod = Method.Create<CreateCollectionRequest, Collection>(Service, "CreateCollection");
    private static readonly Method<ListCollectionsRequest, ListCollectionsResponse> ListCollectionsMethod = Method.Create<ListCollectionsRequest, ListCollectionsResponse>(Service, "ListCollections");
    private static readonly Method<GetCollectionRequest, Collection> GetCollectionMethod = Method.Create<GetCollectionRequest, Collection>(Service, "GetCollection");
    private static readonly Method<DeleteCollectionRequest, DeleteCollectionResponse> DeleteCollectionMethod = Method.Create<DeleteCollectionRequest, DeleteCollectionResponse>(Service, "DeleteCollection");
    private static readonly Method<UploadDocumentRequest, Document> UploadDocumentMethod = Method.Create<UploadDocumentRequest, Document>(Service, "UploadDocument");
    private static readonly Method<ListDocumentsRequest, ListDocumentsResponse> ListDocumentsMethod = Method.Create<ListDocumentsRequest, ListDocumentsResponse>(Service, "ListDocuments");
    private static readonly Method<GetDocumentRequest, Document> GetDocumentMethod = Method.Create<GetDocumentRequest, Document>(Service, "GetDocument");
    private static readonly Method<DeleteDocumentRequest, DeleteDocumentResponse> DeleteDocumentMethod = Method.Create<DeleteDocumentRequest, DeleteDocumentResponse>(Service, "DeleteDocument");

    public Task<Collection> CreateCollectionAsync(CreateCollectionRequest request, CallOptions options = default) =>
        channel.UnaryAsync(CreateCollectionMethod, request, options);

    public Task<ListCollectionsResponse> ListCollectionsAsync(CallOptions options = default) =>
        channel.UnaryAsync(ListCollectionsMethod, new ListCollectionsRequest(), options);

    public Task<Collection> GetCollectionAsync(GetCollectionRequest request, CallOptions options = default) =>
        channel.UnaryAsync(GetCollectionMethod, request, options);

    public Task<DeleteCollectionResponse> DeleteCollectionAsync(DeleteCollectionRequest request, CallOptions options = default) =>
        channel.UnaryAsync(DeleteCollectionMethod, request, options);

    public Task<Document> UploadDocumentAsync(UploadDocumentRequest request, CallOptions options = default) =>
        channel.UnaryAsync(UploadDocumentMethod, request, options);

    public Task<ListDocumentsResponse> ListDocumentsAsync(ListDocumentsRequest request, CallOptions options = default) =>
        channel.UnaryAsync(ListDocumentsMethod, request, options);

    public Task<Document> GetDocumentAsync(GetDocumentRequest request, CallOptions options = default) =>
        channel.UnaryAsync(GetDocumentMethod, request, options);

    public Task<DeleteDocumentResponse> DeleteDocumentAsync(DeleteDocumentRequest request, CallOptions options = default) =>
        channel.UnaryAsync(DeleteDocumentMethod, request, options);
}
