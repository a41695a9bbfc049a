using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Platform;
using RagPlatform.Cli.Tests.Infrastructure;

namespace RagPlatform.Cli.Tests.CommandLine;

[Trait("Category", "Unit")]
public sealed class GatewayTargetTests
{
    [Fact]
    public void Resolve_Nothing_GivesTheDefaultGatewayAndNoKey()
    {
        using var home = new TemporaryDirectory();
        var cli = new TestCli(new Dictionary<string, string> { [CliEnvironment.HomeVariable] = home.Path });

        var target = cli.Context.Globals.Resolve(cli.Parse("status"), cli.Context.Environment);

        Assert.Equal(new Uri("http://127.0.0.1:8080"), target.Url);
        Assert.Null(target.ApiKey);
    }

    [Fact]
    public void Resolve_StateOfRagUp_GivesItsGatewayAndKey()
    {
        using var home = new TemporaryDirectory();
        var state = new RagHome(home.Path);
        home.File("api-key", "rag_from_state\n");
        new PlatformRecord("http://127.0.0.1:41234", "/m", "/d", InternalToken: true, []).Write(state.PlatformFile);
        var cli = new TestCli(new Dictionary<string, string> { [CliEnvironment.HomeVariable] = home.Path });

        var target = cli.Context.Globals.Resolve(cli.Parse("status"), cli.Context.Environment);

        Assert.Equal(new Uri("http://127.0.0.1:41234"), target.Url);
        Assert.Equal("rag_from_state", target.ApiKey);
    }

    [Fact]
    public void Resolve_EnvironmentBeatsState_AndOptionsBeatEnvironment()
    {
        using var home = new TemporaryDirectory();
        home.File("api-key", "rag_from_state");
        var variables = new Dictionary<string, string>
        {
            [CliEnvironment.HomeVariable] = home.Path,
            [CliEnvironment.GatewayVariable] = "http://gateway.example:9000",
            [CliEnvironment.ApiKeyVariable] = "rag_from_env",
        };
        var cli = new TestCli(variables);

        var fromEnvironment = cli.Context.Globals.Resolve(cli.Parse("status"), cli.Context.Environment);
        var fromOptions = cli.Context.Globals.Resolve(cli.Parse("status", "--gateway", "https://other:1", "--api-key", "rag_from_option"), cli.Context.Environment);

        Assert.Equal(new Uri("http://gateway.example:9000"), fromEnvironment.Url);
        Assert.Equal("rag_from_env", fromEnvironment.ApiKey);
        Assert.Equal(new Uri("https://other:1"), fromOptions.Url);
        Assert.Equal("rag_from_option", fromOptions.ApiKey);
    }
}
