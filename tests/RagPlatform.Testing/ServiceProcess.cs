using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RagPlatform.Testing;

/// <summary>How to start a service host as a child process.</summary>
/// <param name="HostDll">The built host, e.g. <c>TestPaths.ServiceDll("services/Embedder", "RagPlatform.Embedder")</c>.</param>
/// <param name="HealthService">The grpc.health.v1 name that must report SERVING, e.g. "rag.v1.Embedder".</param>
public sealed record ServiceProcessOptions(string HostDll, string HealthService)
{
    /// <summary>Configuration as environment variables (ASP.NET's form: <c>Embedder__MaxBatchSize</c>). Null removes a variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Bound on start-up: listening, then SERVING.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>For an HTTP host (the gateway): a path that answers 200 once ready, polled instead of grpc.health.v1.</summary>
    public string? HttpReadyPath { get; init; }
}

/// <summary>
/// A service host running as a REAL child process (<c>dotnet Host.dll</c>) on a free loopback port (Grpc:Url with
/// port 0; the port is read from Kestrel's "Now listening on" line). Captures stdout and stderr for diagnostics and
/// kills the process tree on dispose or when the test run exits.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private readonly Process _process;
    private readonly ServiceProcessOptions _options;
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventHandler _killOnExit;
    private GrpcChannel? _channel;

    private ServiceProcess(Process process, ServiceProcessOptions options)
    {
        _process = process;
        _options = options;
        _killOnExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnExit;
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>http://127.0.0.1:port, once listening.</summary>
    public string Address => _port.Task.IsCompletedSuccessfully
        ? $"http://127.0.0.1:{_port.Task.Result}"
        : throw new InvalidOperationException("The service is not listening yet.");

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

    /// <summary>Starts the host, waits until it listens and reports SERVING; throws with its output when it does not.</summary>
    public static async Task<ServiceProcess> StartAsync(ServiceProcessOptions options)
    {
        var service = Launch(options);
        try
        {
            await service.WaitForListeningAsync(options.StartTimeout);
            if (options.HttpReadyPath is { } path)
            {
                await service.WaitForHttpReadyAsync(path, options.StartTimeout);
            }
            else
            {
                await service.WaitForStatusAsync(HealthCheckResponse.Types.ServingStatus.Serving, options.StartTimeout);
            }

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

        var start = new ProcessStartInfo("dotnet")
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
        foreach (var (key, value) in options.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, options);
        process.OutputDataReceived += (_, e) => service.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => service.Capture(e.Data);
        process.Exited += (_, _) => service._port.TrySetException(new InvalidOperationException("The service exited before listening."));
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start dotnet {options.HostDll}.");
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
            throw new InvalidOperationException($"{Name} did not start listening within {timeout} ({ex.Message}). Output:\n{Output}", ex);
        }
    }

    /// <summary>Polls grpc.health.v1 Check until the service reports <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(ServingStatus status, TimeSpan timeout)
    {
        var health = new Health.HealthClient(Channel);
        var clock = Stopwatch.StartNew();
        ServingStatus? last = null;
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before reporting {status}. Output:\n{Output}");
            }

            try
            {
                last = (await health.CheckAsync(new HealthCheckRequest { Service = _options.HealthService }, deadline: DateTime.UtcNow.AddSeconds(5))).Status;
                if (last == status)
                {
                    return;
                }
            }
            catch (RpcException)
            {
                // Not found yet or not reachable yet: keep polling.
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{Name} did not report {status} within {timeout} (last: {last?.ToString() ?? "no answer"}). Output:\n{Output}");
    }

    /// <summary>Polls GET <paramref name="path"/> until it answers 200.</summary>
    public async Task WaitForHttpReadyAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before {path} answered 200. Output:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name}: {path} did not answer 200 within {timeout} (last: {last}). Output:\n{Output}");
    }

    /// <summary>Sends SIGKILL: the process dies at once, with no shutdown (a crash, an OOM kill).</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigKill);
        }
    }

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

    /// <summary>Sends SIGTERM: the host's graceful shutdown (what Kubernetes and systemd send).</summary>
    public void Terminate()
    {
        if (!_process.HasExited && Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code. Its output is complete afterwards.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(deadline.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout}. Output:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killOnExit;
        _channel?.Dispose();
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // Killed but not reaped in time; nothing more a test can do.
        }

        _process.Dispose();
    }

    /// <summary>
    /// The process's resident memory (VmRSS in /proc/&lt;pid&gt;/status), or null once it has exited or off Linux: what
    /// a soak test watches for growth. Read from the kernel, so it costs the service nothing.
    /// </summary>
    public long? ResidentMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                // "VmRSS:     123456 kB"
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = line.AsSpan(6).Trim();
                    return long.Parse(kilobytes[..kilobytes.IndexOf(' ')], provider: null) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Exited (or no procfs): no figure rather than a failure.
        }

        return null;
    }

    public override string ToString() => $"{Name} (pid {_process.Id})";

    private string Name => Path.GetFileNameWithoutExtension(_options.HostDll);

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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
