using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagPlatform.FakeQdrant;

/// <summary>
/// qdrant.Points: upsert, delete (by ids or filter), get, count, payload indexes, update batches and the Query API.
/// Other calls answer Unimplemented. Writes are applied before the answer whatever "wait" says.
/// </summary>
internal sealed class FakePointsService(FakeStore store) : Points.PointsBase
{
    /// <summary>
    /// Test-only fault: an UpdateBatch call carrying this metadata applies that many of its operations, then fails with
    /// Unavailable, keeping what it applied: what a client sees when Qdrant dies mid-batch (its write-ahead log replays
    /// the operations that reached it, no others).
    /// </summary>
    public const string FailAfterOperationsHeader = "fake-qdrant-fail-after-operations";

    public override Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context)
    {
        RefuseConditionalUpdates(request.UpdateFilter);
        return Task.FromResult(Answer(store.Update(request.CollectionName, collection => Upsert(collection, request.Points))));
    }

    public override Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context) =>
        Task.FromResult(Answer(store.Update(request.CollectionName, collection => Delete(collection, request.Points))));

    public override Task<GetResponse> Get(GetPoints request, ServerCallContext context) =>
        Task.FromResult(store.Read(request.CollectionName, collection => new GetResponse
        {
            Result =
            {
                request.Ids.Select(FakePoints.Key).Distinct().Where(collection.Points.ContainsKey)
                    .Select(key => FakePoints.Retrieved(collection.Points[key], request.WithPayload, request.WithVectors)),
            },
        }));

    public override Task<CountResponse> Count(CountPoints request, ServerCallContext context) =>
        Task.FromResult(store.Read(request.CollectionName, collection => new CountResponse
        {
            Result = new CountResult { Count = (ulong)collection.Points.Values.Count(p => FakeFilter.Matches(request.Filter, p)) },
        }));

    public override Task<PointsOperationResponse> CreateFieldIndex(CreateFieldIndexCollection request, ServerCallContext context)
    {
        var schema = request.FieldType switch
        {
            FieldType.Keyword => PayloadSchemaType.Keyword,
            FieldType.Integer => PayloadSchemaType.Integer,
            FieldType.Float => PayloadSchemaType.Float,
            FieldType.Bool => PayloadSchemaType.Bool,
            FieldType.Datetime => PayloadSchemaType.Datetime,
            var other => throw FakePoints.Unsupported($"{other} payload indexes"),
        };
        return Task.FromResult(Answer(store.Update(request.CollectionName, collection => collection.PayloadIndexes[request.FieldName] = schema)));
    }

    public override Task<UpdateBatchResponse> UpdateBatch(UpdateBatchPoints request, ServerCallContext context)
    {
        var failAfter = context.RequestHeaders.GetValue(FailAfterOperationsHeader) is { } header ? int.Parse(header, System.Globalization.CultureInfo.InvariantCulture) : -1;
        var response = new UpdateBatchResponse();
        foreach (var operation in request.Operations)
        {
            if (response.Result.Count == failAfter)
            {
                throw new RpcException(new Status(StatusCode.Unavailable,
                    $"fake-qdrant: stopped after {failAfter} of {request.Operations.Count} operations of this batch, as a Qdrant that crashed would"));
            }

            // Each operation on its own, as Qdrant applies a batch: a reader can run between two of them.
            var applied = store.Update(request.CollectionName, collection =>
            {
                switch (operation.OperationCase)
                {
                    case PointsUpdateOperation.OperationOneofCase.Upsert:
                        RefuseConditionalUpdates(operation.Upsert.UpdateFilter);
                        Upsert(collection, operation.Upsert.Points);
                        break;
                    case PointsUpdateOperation.OperationOneofCase.DeletePoints:
                        Delete(collection, operation.DeletePoints.Points);
                        break;
                    default:
                        throw FakePoints.Unsupported($"{operation.OperationCase} in update batches");
                }
            });
            response.Result.Add(new UpdateResult { OperationId = applied, Status = UpdateStatus.Completed });
        }

        return Task.FromResult(response);
    }

    public override Task<QueryResponse> Query(QueryPoints request, ServerCallContext context) =>
        Task.FromResult(store.Read(request.CollectionName, collection => new QueryResponse
        {
            Result = { FakeQuery.Run(collection, request).Select(s => FakePoints.Scored(s.Point, s.Score, request.WithPayload, request.WithVectors)) },
        }));

    /// <summary>Every point is checked before any is stored: Qdrant takes a request's points whole or not at all.</summary>
    private static void Upsert(FakeCollection collection, IEnumerable<PointStruct> points)
    {
        foreach (var point in points.Select(p => FakePoints.Parse(collection, p)).ToList())
        {
            collection.Points[point.Key] = point;
        }
    }

    private static void Delete(FakeCollection collection, PointsSelector selector)
    {
        var doomed = selector.PointsSelectorOneOfCase switch
        {
            PointsSelector.PointsSelectorOneOfOneofCase.Points => selector.Points.Ids.Select(FakePoints.Key).ToList(),
            PointsSelector.PointsSelectorOneOfOneofCase.Filter =>
                collection.Points.Values.Where(p => FakeFilter.Matches(selector.Filter, p)).Select(p => p.Key).ToList(),
            _ => throw FakePoints.Invalid("Validation error: points selector is missing"),
        };
        foreach (var key in doomed)
        {
            collection.Points.Remove(key);
        }
    }

    private static void RefuseConditionalUpdates(Filter? updateFilter)
    {
        if (updateFilter is not null)
        {
            throw FakePoints.Unsupported("conditional upserts (update_filter)");
        }
    }

    private static PointsOperationResponse Answer(ulong operation) =>
        new() { Result = new UpdateResult { OperationId = operation, Status = UpdateStatus.Completed } };
}
