using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagPlatform.FakeQdrant;

/// <summary>qdrant.Collections: create (named cosine vectors, sparse vectors), get, list, exists, delete. Other calls answer Unimplemented.</summary>
internal sealed class FakeCollectionsService(FakeStore store) : Collections.CollectionsBase
{
    public override Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context)
    {
        if (request.VectorsConfig?.ConfigCase != VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            throw FakePoints.Unsupported("collections without named vectors");
        }

        var dense = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, parameters) in request.VectorsConfig.ParamsMap.Map)
        {
            if (parameters.Distance != Distance.Cosine || parameters.MultivectorConfig is not null)
            {
                throw FakePoints.Unsupported($"vector '{name}' with {parameters.Distance} distance (only single Cosine vectors)");
            }

            dense[name] = parameters.Size > 0 ? parameters.Size : throw FakePoints.Invalid("Validation error in body: [vectors.size: value 0 invalid, must be 1 or larger]");
        }

        var sparse = (request.SparseVectorsConfig?.Map ?? []).ToDictionary(v => v.Key, v => v.Value.HasModifier ? v.Value.Modifier : Modifier.None,
            StringComparer.Ordinal);
        return Task.FromResult(new CollectionOperationResponse { Result = store.Create(new FakeCollection(request.CollectionName, dense, sparse)) });
    }

    public override Task<GetCollectionInfoResponse> Get(GetCollectionInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetCollectionInfoResponse { Result = store.Read(request.CollectionName, Info) });

    public override Task<ListCollectionsResponse> List(ListCollectionsRequest request, ServerCallContext context) =>
        Task.FromResult(store.Read(collections => new ListCollectionsResponse
        {
            Collections = { collections.Keys.Select(name => new CollectionDescription { Name = name }) },
        }));

    public override Task<CollectionExistsResponse> CollectionExists(CollectionExistsRequest request, ServerCallContext context) =>
        Task.FromResult(new CollectionExistsResponse
        {
            Result = new Qdrant.Client.Grpc.CollectionExists { Exists = store.Read(collections => collections.ContainsKey(request.CollectionName)) },
        });

    public override Task<CollectionOperationResponse> Delete(DeleteCollection request, ServerCallContext context) =>
        Task.FromResult(new CollectionOperationResponse { Result = store.Delete(request.CollectionName) });

    private static CollectionInfo Info(FakeCollection collection)
    {
        var parameters = new CollectionParams
        {
            ShardNumber = 1,
            ReplicationFactor = 1,
            WriteConsistencyFactor = 1,
            VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap
                {
                    Map = { collection.Dense.ToDictionary(d => d.Key, d => new VectorParams { Size = d.Value, Distance = Distance.Cosine }) },
                },
            },
            SparseVectorsConfig = new SparseVectorConfig
            {
                Map = { collection.Sparse.ToDictionary(s => s.Key, s => new SparseVectorParams { Modifier = s.Value }) },
            },
        };
        return new CollectionInfo
        {
            Status = CollectionStatus.Green,
            OptimizerStatus = new OptimizerStatus { Ok = true },
            SegmentsCount = 1,
            PointsCount = (ulong)collection.Points.Count,
            IndexedVectorsCount = 0,
            Config = new CollectionConfig
            {
                Params = parameters,
                HnswConfig = new HnswConfigDiff { M = 16, EfConstruct = 100, FullScanThreshold = 10_000 },
                OptimizerConfig = new OptimizersConfigDiff(),
                WalConfig = new WalConfigDiff(),
            },
            PayloadSchema =
            {
                collection.PayloadIndexes.ToDictionary(i => i.Key, i => new PayloadSchemaInfo { DataType = i.Value, Points = (ulong)collection.Points.Count }),
            },
        };
    }
}
