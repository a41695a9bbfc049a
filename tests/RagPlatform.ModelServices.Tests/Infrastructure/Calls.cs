using Grpc.Core;

namespace RagPlatform.ModelServices.Tests.Infrastructure;

internal static class Calls
{
    public static CallOptions Bounded() => new(deadline: DateTime.UtcNow.Add(ModelServiceHosts.CallTimeout));

    /// <summary>Runs a call that must fail; returns its status.</summary>
    public static async Task<Status> FailureOf(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        return error.Status;
    }

    /// <inheritdoc cref="FailureOf(Func{Task})"/>
    public static Task<Status> FailureOf<T>(Func<AsyncUnaryCall<T>> call) => FailureOf(() => call().ResponseAsync);
}
