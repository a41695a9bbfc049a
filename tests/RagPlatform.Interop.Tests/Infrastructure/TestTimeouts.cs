using Grpc.Core;

namespace RagPlatform.Interop.Tests.Infrastructure;

/// <summary>Bounds every await in the tests: a hang fails the test instead of the run.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Default);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task<T> DefaultTimeout<T>(this AsyncUnaryCall<T> call) => call.ResponseAsync.WaitAsync(Default);

    public static Task<List<T>> ToListAsync<T>(this IAsyncStreamReader<T> source) => source.ReadAllAsync().ToListAsync();

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        using var timeout = new CancellationTokenSource(Default);
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(timeout.Token))
        {
            list.Add(item);
        }

        return list;
    }
}
