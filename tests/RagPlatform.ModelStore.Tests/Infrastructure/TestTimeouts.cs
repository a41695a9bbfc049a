namespace RagPlatform.ModelStore.Tests.Infrastructure;

internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    /// <summary>Bounds an await so a hang fails the test instead of stalling the run.</summary>
    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task Bounded(this Task task) => task.WaitAsync(Default);
}
