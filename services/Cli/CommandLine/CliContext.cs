namespace RagPlatform.Cli.CommandLine;

/// <summary>What every command is given: the process environment, the two consoles, the global options, and how to reach HTTP.</summary>
/// <param name="HttpHandler">Makes the handler under each gateway client: sockets in rag, a scripted gateway in unit tests.</param>
internal sealed record CliContext(CliEnvironment Environment, CliConsoles Consoles, GlobalOptions Globals, Func<HttpMessageHandler> HttpHandler)
{
    public static CliContext FromProcess() => new(CliEnvironment.FromProcess(), CliConsoles.FromProcess(), new GlobalOptions(), () => new SocketsHttpHandler());
}
