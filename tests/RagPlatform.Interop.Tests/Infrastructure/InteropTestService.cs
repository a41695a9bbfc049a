using Google.Protobuf;
using Grpc.Core;
using RagPlatform.Interop.Tests.Protos;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.Interop.Tests.Infrastructure;

/// <summary>The C# side of ragtest.v1.InteropTest; server.js implements the same behaviour.</summary>
public sealed class InteropTestService(CallRecorder recorder, ServiceReadiness readiness) : InteropTest.InteropTestBase
{
    private const string EchoedPrefix = "x-meta-";

    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        var record = recorder.Start(request.CallId);
        try
        {
            var remaining = context.Deadline == DateTime.MaxValue ? -1 : (long)(context.Deadline - DateTime.UtcNow).TotalMilliseconds;
            var echoed = EchoMetadata(context, out var echoedHeaders);
            if (echoedHeaders.Count > 0)
            {
                await context.WriteResponseHeadersAsync(echoedHeaders);
            }

            if (request.DelayMs > 0)
            {
                await Task.Delay(request.DelayMs, request.IgnoreCancellation ? CancellationToken.None : context.CancellationToken);
            }

            if (request.FailCode != 0)
            {
                throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage), echoed);
            }

            if (request.Crash)
            {
                throw new InvalidOperationException("The test service crashed on purpose.");
            }

            var reply = new EchoReply
            {
                Message = request.Message,
                Payload = request.ReplyPayloadSize > 0 ? ByteString.CopyFrom(new byte[request.ReplyPayloadSize]) : request.Payload,
                RequestEncoding = context.GetHttpContext().Request.Headers["grpc-encoding"].ToString(),
                DeadlineRemainingMs = remaining,
            };
            foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith(EchoedPrefix, StringComparison.Ordinal)))
            {
                reply.Metadata[entry.Key] = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;
            }

            foreach (var entry in echoed)
            {
                context.ResponseTrailers.Add(entry);
            }

            return reply;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested && record is not null)
        {
            record.Cancelled = true;
            throw;
        }
        finally
        {
            if (record is not null)
            {
                record.Cancelled |= context.CancellationToken.IsCancellationRequested;
                record.End();
            }
        }
    }

    public override async Task StreamNumbers(StreamRequest request, IServerStreamWriter<NumberReply> responseStream, ServerCallContext context)
    {
        var record = recorder.Start(request.CallId);
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                if (request.FailCode != 0 && i == request.FailAfter)
                {
                    throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
                }

                if (request.IntervalMs > 0 && i > 0)
                {
                    await Task.Delay(request.IntervalMs, context.CancellationToken);
                }

                await responseStream.WriteAsync(new NumberReply
                {
                    Index = i,
                    Payload = request.PayloadSize > 0 ? ByteString.CopyFrom(new byte[request.PayloadSize]) : ByteString.Empty,
                });
            }

            if (request.FailCode != 0 && request.FailAfter >= request.Count)
            {
                throw new RpcException(new Status((StatusCode)request.FailCode, request.FailMessage));
            }
        }
        finally
        {
            if (record is not null)
            {
                record.Cancelled |= context.CancellationToken.IsCancellationRequested;
                record.End();
            }
        }
    }

    public override async Task<CallRecord> GetCallRecord(CallRecordRequest request, ServerCallContext context)
    {
        var entry = await recorder.WaitForEndAsync(request.CallId, TimeSpan.FromMilliseconds(request.WaitMs));
        return new CallRecord { Seen = entry is not null, Cancelled = entry?.Cancelled ?? false, Ended = entry?.Ended.IsCompleted ?? false };
    }

    public override Task<SetHealthReply> SetHealth(SetHealthRequest request, ServerCallContext context)
    {
        readiness.Set(request.Service, ready: request.Status == (int)Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);
        return Task.FromResult(new SetHealthReply());
    }

    private static Metadata EchoMetadata(ServerCallContext context, out Metadata headers)
    {
        headers = [];
        var trailers = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (!entry.Key.StartsWith(EchoedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            headers.Add(entry);
            var trailerKey = "x-trailer-" + entry.Key[EchoedPrefix.Length..];
            trailers.Add(entry.IsBinary ? new Metadata.Entry(trailerKey, entry.ValueBytes) : new Metadata.Entry(trailerKey, entry.Value));
        }

        return trailers;
    }
}
