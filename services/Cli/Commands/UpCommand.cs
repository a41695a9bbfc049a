using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Gateway;
using RagPlatform.Cli.Platform;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <param name="Models">Holds minilm-embedder/, minilm-reranker/ and qwen2.5/; null: $RAG_MODELS_DIR, else the real embedder of
/// .models/real beside the forged tiny reranker and generator.</param>
/// <param name="Data">The index, ingestion queue and API keys; null: &lt;state&gt;/data.</param>
/// <param name="GrpcPortBase">First of four consecutive ports for embedder, reranker, generator, orchestrator; 0 picks free ports.</param>
/// <param name="Services">Folder with one built host per service; null: the repository's build outputs.</param>
internal sealed record UpOptions(string? Models, string? Data, int Port, int GrpcPortBase, string? Services, TimeSpan Timeout, bool InternalToken);

/// <summary>`rag up`: starts the five services as detached processes and waits until every one is healthy.</summary>
internal sealed class UpCommand(CliContext context)
{
    private static readonly TimeSpan RollbackGrace = TimeSpan.FromSeconds(10);
    private readonly Option<string?> _models = new("--models") { Description = $"Models directory (minilm-embedder/, minilm-reranker/, qwen2.5/); default ${CliEnvironment.ModelsVariable}, else the real embedder (.models/real/{DefaultModels.RealEmbedder}) with the forged reranker and generator (.models/forged/tiny)." };
    private readonly Option<string?> _data = new("--data") { Description = "Data directory (index, upload queue, API keys); default <state>/data." };
    private readonly Option<int> _port = new Option<int>("--port") { Description = "Gateway port (0 picks a free one).", DefaultValueFactory = _ => PlatformService.Gateway.DefaultPort }.Port(allowZero: true);
    private readonly Option<int> _grpcPortBase = new Option<int>("--grpc-port-base") { Description = "First of four ports for embedder, reranker, generator, orchestrator (0 picks free ports).", DefaultValueFactory = _ => PlatformService.Embedder.DefaultPort }.Port(allowZero: true);
    private readonly Option<string?> _services = new("--services") { Description = "Folder with the built hosts, one subfolder per service (Embedder/, ..., Gateway/); default the repository's bin/ outputs." };
    private readonly Option<int> _timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every service to become healthy.", DefaultValueFactory = _ => 180 }.Positive();
    private readonly Option<bool> _noInternalToken = new("--no-internal-token") { Description = "Do not require a shared bearer token between the internal gRPC services." };

    public Command Build()
    {
        var command = new Command("up", "Start every service (embedder, reranker, generator, orchestrator, gateway) in the background and wait until all are healthy.")
        {
            _models, _data, _port, _grpcPortBase, _services, _timeout, _noInternalToken,
        };
        command.SetAction((result, cancellationToken) => RunAsync(Bind(result), cancellationToken));
        return command;
    }

    internal UpOptions Bind(ParseResult result) => new(result.GetValue(_models), result.GetValue(_data), result.GetValue(_port),
        result.GetValue(_grpcPortBase), result.GetValue(_services), TimeSpan.FromSeconds(result.GetValue(_timeout)), !result.GetValue(_noInternalToken));

    internal async Task<int> RunAsync(UpOptions options, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var consoles = context.Consoles;
        var home = RagHome.Require(environment);
        if (OperatingSystem.IsWindows())
        {
            throw CliException.Unavailable("`rag up` starts services with /bin/sh, setsid and POSIX signals; on Windows start them another way (docker-compose.yml).");
        }

        // The state holds the admin key: only its owner may look inside.
        Directory.CreateDirectory(home.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var known = PlatformState.Read(home);
        if (known.All(s => s.Alive))
        {
            consoles.Info("RagPlatform is already running.");
            PrintSummary(home, PlatformState.ReadRecord(home)?.GatewayUrl ?? GlobalOptions.DefaultGateway);
            return ExitCodes.Success;
        }

        if (known.Where(s => s.Alive).Select(s => s.Service.Name).ToList() is { Count: > 0 } alive)
        {
            throw CliException.Failed($"RagPlatform is partly running ({string.Join(", ", alive)} up; {string.Join(", ", known.Where(s => !s.Alive).Select(s => s.Service.Name))} not).",
                "Stop it with `rag down`, then start it again with `rag up`.");
        }

        PlatformState.ForgetAll(home);
        var plan = Plan(options, home);
        using var probe = new HealthProbe();
        var view = new StartupView(consoles, plan.Ports);
        var starter = new PlatformStarter(plan, ServiceHosts.DotnetExecutable(environment), view, probe);
        consoles.Info($"Starting RagPlatform (models: {plan.ModelsDirectory}, embedder {plan.ModelDirectories[PlatformService.Embedder.Name]}; state: {home.Directory})");
        try
        {
            await view.RunAsync(() => starter.StartAsync(options.Timeout, cancellationToken));
        }
        catch
        {
            // Whatever stopped the start (a failed service, Ctrl+C, a bug), leave nothing half-started behind.
            if (starter.FailedService is { } failed)
            {
                PrintLogTail(home, failed);
            }

            await PlatformStopper.StopAsync(starter.Launched, RollbackGrace, CancellationToken.None);
            PlatformState.ForgetAll(home);
            consoles.Info("Stopped the services this run had started.");
            throw;
        }

        await WarnIfForgedAsync(plan, cancellationToken);
        PrintSummary(home, plan.GatewayUrl);
        return ExitCodes.Success;
    }

    private PlatformPlan Plan(UpOptions options, RagHome home)
    {
        var environment = context.Environment;
        var repo = environment.RepositoryRoot();
        var hosts = ServiceHosts.Locate(environment, options.Services);
        var given = options.Models ?? environment.Get(CliEnvironment.ModelsVariable);
        var models = given is not null ? environment.FullPath(given)
            : repo is not null ? DefaultModels.ForgedModelsDirectory(repo)
            : throw CliException.Usage("No models directory: pass --models DIR.");
        var directories = PlatformService.ModelServices.ToDictionary(s => s.Name, s => Path.Combine(models, s.ModelFolder!), StringComparer.Ordinal);
        if (given is null && repo is not null)
        {
            // A checkout's default: the real embedder installed from NuGet, beside the forged reranker and generator
            // (whose stages the orchestrator skips: answers are extractive).
            var real = Path.Combine(DefaultModels.RealModelsDirectory(repo), DefaultModels.RealEmbedder);
            if (File.Exists(Path.Combine(real, "config.json")))
            {
                directories[PlatformService.Embedder.Name] = real;
            }
            else
            {
                context.Consoles.Info($"No real embedder at {real}: starting the forged one (install it with scripts/setup/real-embedder.sh).");
            }
        }

        foreach (var (service, directory) in directories)
        {
            if (!File.Exists(Path.Combine(directory, "config.json")))
            {
                throw CliException.Unavailable($"No {service} model at {directory} (config.json missing).",
                    "Forge test models with `rag models forge`, or pass --models DIR holding minilm-embedder/, minilm-reranker/ and qwen2.5/.");
            }
        }

        var data = options.Data is { } d ? environment.FullPath(d) : home.DefaultDataDirectory;
        var ports = PortAssignment.Choose(options.Port, options.GrpcPortBase);
        var (apiKey, created) = SecretFile.ReadOrCreate(home.ApiKeyFile, "rag_");
        if (created)
        {
            context.Consoles.Info($"Generated an admin API key in {home.ApiKeyFile}.");
        }

        var token = options.InternalToken ? SecretFile.ReadOrCreate(home.GrpcTokenFile, "").Secret : null;
        return new PlatformPlan(home, hosts, models, directories, data, ports, apiKey, token);
    }

    private async Task WarnIfForgedAsync(PlatformPlan plan, CancellationToken cancellationToken)
    {
        using var gateway = new GatewayClient(new GatewayTarget(new Uri(plan.GatewayUrl), plan.ApiKey, plan.Home.ApiKeyFile), TimeSpan.FromSeconds(15), context.HttpHandler());
        try
        {
            var models = await gateway.GetModelsAsync(cancellationToken);
            ForgedModels.WarnLoaded(context.Consoles, models);
        }
        catch (CliException ex)
        {
            context.Consoles.Warn($"Could not ask the gateway which models are loaded: {ex.Message}");
        }
    }

    private void PrintSummary(RagHome home, string gatewayUrl)
    {
        var key = File.Exists(home.ApiKeyFile) ? File.ReadAllText(home.ApiKeyFile).Trim() : "(none)";
        var output = context.Consoles.Out;
        output.MarkupLine("[green]RagPlatform is up.[/]");
        output.MarkupLine($"  gateway  {Markup.Escape(gatewayUrl)}");
        output.MarkupLine($"  web UI   {Markup.Escape(gatewayUrl.TrimEnd('/') + "/")}");
        output.MarkupLine($"  API key  {Markup.Escape(key)} [grey](saved in {Markup.Escape(home.ApiKeyFile)})[/]");
        output.MarkupLine($"  logs     {Markup.Escape(home.LogDirectory)}");
        output.MarkupLine("Stop it with [bold]rag down[/]; see it with [bold]rag status[/].");
    }

    private void PrintLogTail(RagHome home, PlatformService service)
    {
        var tail = LogTail.Read(home.LogFile(service.Name), 25);
        if (tail.Count > 0)
        {
            context.Consoles.Error.MarkupLine($"[grey]Last lines of {Markup.Escape(home.LogFile(service.Name))}:[/]");
            foreach (var line in tail)
            {
                context.Consoles.Error.WriteLine("  " + line);
            }
        }
    }
}
