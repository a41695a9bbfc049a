using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RagPlatform.Launcher;

/// <summary>How to start one service host as an attached child process.</summary>
/// <param name="HostDll">The built host, e.g. services/Embedder/bin/Release/net10.0/RagPlatform.Embedder.dll.</param>
/// <param name="HealthService">The grpc.health.v1 name that must report SERVING, e.g. "rag.v1.Embedder"; null for an
/// HTTP host whose GET /readyz answers 200 once ready (the gateway).</param>
public sealed record ServiceProcessOptions(string HostDll, string? HealthService)
{
    /// <summary>Configuration as environment variables (ASP.NET's form: <c>Embedder__MaxBatchSize</c>). Null removes a variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Bound on start-up: listening, then ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public string Dotnet { get; init; } = DotnetHost.Path;
}

/// <summary>
/// A service host running as an attached child process (<c>dotnet Host.dll</c>), on the port its configuration names
/// or, by default, a free loopback port (Grpc:Url with port 0; the port is read from Kestrel's "Now listening on"
/// line). Captures stdout and stderr and kills the process tree on dispose or when this process exits.
/// </summary>
public sealed partial class ServiceProcess : IServiceProcess
{
    private readonly Process _process;
    private readonly ServiceProcessOptions _options;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventHandler _killOnExit;
    private readonly ReadinessProbe _probe = new();
    private GrpcChannel? _channel;

    private ServiceProcess(Process process, ServiceProcessOptions options)
    {
        _process = process;
        _options = options;
        _killOnExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnExit;
    }

    public int Pid => _process.Id;

    public bool IsRunning => !_process.HasExited;

    /// <summary>http://127.0.0.1:port, once listening.</summary>
    public string Address => _port.Task.IsCompletedSuccessfully
        ? $"http://127.0.0.1:{_port.Task.Result}"
        : throw new InvalidOperationException($"{Name} is not listening yet.");

    /// <summary>host:port, the form grpc-js takes.</summary>
    public string Target => $"127.0.0.1:{_port.Task.Result}";

    /// <summary>A channel to the service (owned by this object), for the generated clients.</summary>
    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress(Address);

    /// <summary>Everything the process printed so far (stdout and stderr interleaved by arrival).</summary>
    public IReadOnlyList<string> OutputLines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    public string Output => string.Join('\n', OutputLines);

    private string Name => Path.GetFileNameWithoutExtension(_options.HostDll);

    /// <summary>Starts the host and waits until it listens and is ready; throws with its output when it is not.</summary>
    public static async Task<ServiceProcess> StartAsync(ServiceProcessOptions options, CancellationToken cancellationToken = default)
    {
        var service = Launch(options);
        try
        {
            await service.WaitForListeningAsync(options.StartTimeout);
            await service._probe.WaitAsync(service, service.Name, service.Address, options.HealthService, r => r.Healthy, options.StartTimeout, null, cancellationToken);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the host without waiting for anything (for start-up failure and readiness tests).</summary>
    public static ServiceProcess Launch(ServiceProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(options.HostDll))
        {
            throw new FileNotFoundException($"Service host {options.HostDll} is not built.", options.HostDll);
        }

        var start = new ProcessStartInfo(options.Dotnet)
        {
            WorkingDirectory = Path.GetDirectoryName(options.HostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(options.HostDll);
        start.Environment["Grpc__Url"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["DOTNET_NOLOGO"] = "1";
        DotnetHost.Apply(start, options.Environment);

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, options);
        process.OutputDataReceived += (_, e) => service.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => service.Capture(e.Data);
        process.Exited += (_, _) => service._port.TrySetException(new InvalidOperationException("The service exited before listening."));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {options.Dotnet} {options.HostDll}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    public async Task WaitForListeningAsync(TimeSpan timeout)
    {
        try
        {
            await _port.Task.WaitAsync(timeout);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            throw new PlatformLaunchException($"{Name} did not start listening within {timeout} ({ex.Message}).", null, OutputTail(40), ex);
        }
    }

    /// <summary>Polls grpc.health.v1 Check until the service reports <paramref name="status"/>.</summary>
    public Task WaitForStatusAsync(ServingStatus status, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _probe.WaitAsync(this, Name, Address, _options.HealthService ?? "", r => r.Status == status, timeout, null, cancellationToken);

    /// <summary>Waits until a line of output satisfies <paramref name="predicate"/>; returns it.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (OutputLines.FirstOrDefault(predicate) is { } line)
            {
                return line;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"{Name} printed no matching line within {timeout}. Output:\n{Output}");
    }

    public void Terminate()
    {
        if (!_process.HasExited && !ProcessSignals.Terminate(_process.Id) && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed.");
        }
    }

    public void KillHard()
    {
        if (!_process.HasExited)
        {
            ProcessSignals.KillHard(_process.Id);
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code. Its output is complete afterwards.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        return await WaitForExitAsync(timeout, CancellationToken.None)
            ? _process.ExitCode
            : throw new TimeoutException($"{Name} did not exit within {timeout}. Output:\n{Output}");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Its resident memory now (null once exited): <see cref="ProcessSignals.ResidentMemoryBytes"/>.</summary>
    public long? ResidentMemoryBytes() => _process.HasExited ? null : ProcessSignals.ResidentMemoryBytes(_process.Id);

    public IReadOnlyList<string> OutputTail(int lines) => [.. OutputLines.TakeLast(lines)];

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killOnExit;
        _channel?.Dispose();
        _probe.Dispose();
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Killed but not reaped in time; nothing more to do.
        }

        _process.Dispose();
    }

    public override string ToString() => $"{Name} (pid {_process.Id})";

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }

        if (!_port.Task.IsCompleted && ListeningLine().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(int.Parse(match.Groups[1].ValueSpan, provider: null));
        }
    }

    [GeneratedRegex(@"Now listening on: http://[^\s:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
