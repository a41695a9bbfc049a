namespace RagPlatform.OnnxGraph.Tests.Infrastructure;

/// <summary>Debian's python3-onnx (the ONNX reference implementation): its checker and the fixture scripts beside the tests.</summary>
internal static class Python
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>onnx.checker.check_model with full_check (type and shape inference over the whole graph).</summary>
    public static async Task CheckModelAsync(string path)
    {
        var result = await RunAsync("-c", "import onnx, sys; onnx.checker.check_model(sys.argv[1], full_check=True); print('ok')", path);
        Assert.True(result.ExitCode == 0 && result.StandardOutput.Trim() == "ok", $"onnx.checker rejected {path}:\n{result.Output}");
    }

    /// <summary>Runs tests/RagPlatform.OnnxGraph.Tests/Fixtures/<paramref name="script"/>.</summary>
    public static async Task<CommandResult> FixtureAsync(string script, params string[] arguments) =>
        (await RunAsync([Path.Combine(TestPaths.RepoRoot, "tests", "RagPlatform.OnnxGraph.Tests", "Fixtures", script), .. arguments])).EnsureSuccess();

    private static Task<CommandResult> RunAsync(params string[] arguments) =>
        ExternalCommand.RunAsync("/usr/bin/python3", arguments, TestPaths.RepoRoot, Timeout, new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
}
