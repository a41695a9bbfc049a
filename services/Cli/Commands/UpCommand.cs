using System.CommandLine;
using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Gateway;
using RagPlatform.Cli.Platform;
using RagPlatform.Launcher;
using Spectre.Console;

namespace RagPlatform.Cli.Commands;

/// <param name="Models">Holds minilm-embedder/, minilm-reranker/ and qwen2.5/; null: $RAG_MODELS_DIR, else the real embedder of
/// .models/real beside the forged tiny reranker and generator.</param>
/// <param name="Data">The index, ingestion queue and API keys; null: &lt;state&gt;/data.</param>
/// <param name="GrpcPortBase">First of four consecutive ports for embedder, reranker, generator, orchestrator; 0 picks free ports.</param>
/// <param name="Services">Folder with one built host per service; null: the repository's build outputs.</param>
internal sealed record UpOptions(string? Models, string? Data, int Port, int GrpcPortBase, string? Services, TimeSpan Timeout, bool InternalToken);

/// <summary>
/// `rag up`: like `docker compose up`, makes the platform run: starts the services that are not running (all five the
/// first time) as detached processes and waits until every one is healthy. Services already running are left alone;
/// one that died is started again where it was, with the configuration the platform was started with.
/// </summary>
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
        var command = new Command("up", "Start whatever of the platform (embedder, reranker, generator, orchestrator, gateway) is not running, in the background, and wait until all are healthy.")
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
        var consoles = context.Consoles;
        var home = RagHome.Require(context.Environment);
        if (OperatingSystem.IsWindows())
        {
            throw CliException.Unavailable("`rag up` starts services with /bin/sh, setsid and POSIX signals; on Windows start them another way (docker-compose.yml).");
        }

        // The state holds the admin key: only its owner may look inside.
        Directory.CreateDirectory(home.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var started = new List<ServiceInstance>();
        var progress = new UpProgress(consoles, home, started);
        var launch = new LaunchSettings { LogDirectory = home.LogDirectory, Progress = progress };
        var recorded = PlatformState.Open(home, launch);
        if (recorded is { Running.Count: 0 })
        {
            // Nothing of it runs (a reboot, `rag down` cut short): start afresh, as the options say.
            await recorded.DisposeAsync();
            recorded = null;
        }

        await using var platform = recorded ?? NewPlatform(options, home, launch);
        if (platform.Running.Count > 0)
        {
            consoles.Info($"RagPlatform is running ({platform.Running.Count} of {platform.Launcher.Plan.Services.Count} processes); its ports, models and data are kept.");
        }
        else
        {
            var embedder = platform.Record.ModelDirectories?.GetValueOrDefault(PlatformService.Embedder.Name);
            consoles.Info($"Starting RagPlatform (models: {platform.Record.ModelsDirectory}{(embedder is null ? "" : $", embedder {embedder}")}; state: {home.Directory})");
        }

        progress.Record = platform.Record;
        var view = new StartupView(consoles, platform.Launcher.Plan);
        progress.View = view;
        try
        {
            await view.RunAsync(() => platform.Launcher.UpAsync(options.Timeout, cancellationToken));
        }
        catch (Exception ex)
        {
            // Whatever stopped the start (a failed service, Ctrl+C, a bug), leave nothing this run started behind;
            // what was running before keeps running.
            if (ex is PlatformLaunchException { Instance: { } failed } launchFailure)
            {
                PrintLogTail(home, failed, launchFailure.OutputTail);
            }

            await platform.Launcher.StopAsync(RollbackGrace, CancellationToken.None, started);
            if (platform.Running.Count == 0)
            {
                PlatformState.Forget(home);
            }

            if (started.Count > 0)
            {
                consoles.Info("Stopped the services this run had started.");
            }

            throw ex is PlatformLaunchException failure
                ? CliException.Failed(failure.Summary, failure.Instance is { } instance
                    ? $"Its log is {home.LogFile(instance.Name)}; a slow machine or real-size models may need a longer --timeout."
                    : "Another platform may be running (`rag status`); or choose other ports with --port and --grpc-port-base (0 picks free ones).")
                : ex;
        }

        if (started.Count == 0)
        {
            consoles.Info("RagPlatform is already running.");
        }
        else if (started.Count < platform.Launcher.Plan.Services.Count)
        {
            consoles.Info($"Started again: {string.Join(", ", started)}.");
        }

        await WarnIfForgedAsync(platform.Record.GatewayUrl, home, cancellationToken);
        PrintSummary(home, platform.Record.GatewayUrl);
        return ExitCodes.Success;
    }

    /// <summary>A new plan from the options; whatever an earlier run recorded is gone (nothing of it runs).</summary>
    private RecordedPlatform NewPlatform(UpOptions options, RagHome home, LaunchSettings launch)
    {
        PlatformState.Forget(home);
        var platformOptions = Plan(options, home);
        var plan = PlatformPlan.Create(platformOptions);
        var record = PlatformRecord.Of(plan, platformOptions);
        record.Write(home.PlatformFile);
        return new RecordedPlatform(record, new PlatformLauncher(plan, launch));
    }

    private PlatformOptions Plan(UpOptions options, RagHome home)
    {
        var environment = context.Environment;
        var repo = environment.RepositoryRoot();
        var hosts = Platform.ServiceHosts.Locate(environment, options.Services);
        var given = options.Models ?? environment.Get(CliEnvironment.ModelsVariable);
        var models = given is not null ? environment.FullPath(given)
            : repo is not null ? DefaultModels.ForgedModelsDirectory(repo)
            : throw CliException.Usage("No models directory: pass --models DIR.");
        var directories = new Dictionary<PlatformService, string>();
        if (given is null && repo is not null)
        {
            // A checkout's default: the real embedder installed from NuGet, beside the forged reranker and generator
            // (whose stages the orchestrator skips: answers are extractive).
            var real = Path.Combine(DefaultModels.RealModelsDirectory(repo), DefaultModels.RealEmbedder);
            if (File.Exists(Path.Combine(real, "config.json")))
            {
                directories[PlatformService.Embedder] = real;
            }
            else
            {
                context.Consoles.Info($"No real embedder at {real}: starting the forged one (install it with scripts/setup/real-embedder.sh).");
            }
        }

        foreach (var service in PlatformServices.ModelServices)
        {
            var directory = directories.GetValueOrDefault(service) ?? Path.Combine(models, service.ModelFolder!);
            if (!File.Exists(Path.Combine(directory, "config.json")))
            {
                throw CliException.Unavailable($"No {service.Name} model at {directory} (config.json missing).",
                    "Forge test models with `rag models forge`, or pass --models DIR holding minilm-embedder/, minilm-reranker/ and qwen2.5/.");
            }
        }

        var (apiKey, created) = SecretFile.ReadOrCreate(home.ApiKeyFile, "rag_");
        if (created)
        {
            context.Consoles.Info($"Generated an admin API key in {home.ApiKeyFile}.");
        }

        var ports = new Dictionary<ServiceInstance, int>();
        if (options.Port != 0)
        {
            ports[PlatformService.Gateway] = options.Port;
        }

        if (options.GrpcPortBase != 0)
        {
            foreach (var service in PlatformServices.All.Where(s => s != PlatformService.Gateway))
            {
                ports[service] = options.GrpcPortBase + (int)service;
            }
        }

        return new PlatformOptions(options.Data is { } d ? environment.FullPath(d) : home.DefaultDataDirectory)
        {
            HostDlls = hosts,
            ModelsDirectory = models,
            ModelDirectories = directories,
            Ports = ports,
            ApiKey = apiKey,
            SharedToken = options.InternalToken ? SecretFile.ReadOrCreate(home.GrpcTokenFile, "").Secret : null,
        };
    }

    private async Task WarnIfForgedAsync(string gatewayUrl, RagHome home, CancellationToken cancellationToken)
    {
        var key = File.Exists(home.ApiKeyFile) ? File.ReadAllText(home.ApiKeyFile).Trim() : null;
        using var gateway = new GatewayCalls(new GatewayTarget(new Uri(gatewayUrl), key, home.ApiKeyFile), TimeSpan.FromSeconds(15), context.HttpHandler());
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

    private void PrintLogTail(RagHome home, ServiceInstance instance, IReadOnlyList<string> tail)
    {
        if (tail.Count > 0)
        {
            context.Consoles.Error.MarkupLine($"[grey]Last lines of {Markup.Escape(home.LogFile(instance.Name))}:[/]");
            foreach (var line in tail.TakeLast(25))
            {
                context.Consoles.Error.WriteLine("  " + line);
            }
        }
    }

    /// <summary>Shows each change and records each launched pid at once, so `rag down` can stop it even if this run dies.</summary>
    private sealed class UpProgress(CliConsoles consoles, RagHome home, List<ServiceInstance> started) : IProgress<ServiceUpdate>
    {
        private readonly Lock _gate = new();

        public PlatformRecord? Record { get; set; }

        public StartupView? View { get; set; }

        public void Report(ServiceUpdate value)
        {
            lock (_gate)
            {
                if (value is { State: ServiceState.Starting, Pid: { } pid } && Record is { } record)
                {
                    started.Add(value.Instance);
                    Record = record.WithPid(value.Instance, pid);
                    Record.Write(home.PlatformFile);
                }
            }

            if (View is { } view)
            {
                view.Report(value);
            }
            else
            {
                consoles.Info($"{value.Instance}: {value.Detail}");
            }
        }
    }
}
