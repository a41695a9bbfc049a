using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.ServiceDefaults.Grpc;

namespace RagPlatform.ModelHosting;

/// <summary>How a service opens and warms its model; given to <see cref="ModelServiceCollectionExtensions.AddModelLifecycle"/>.</summary>
/// <param name="Open">Opens the pipeline (e.g. TextEmbedder.Open) with the process's session factory, the checked directory and the options.</param>
/// <param name="Warm">Runs one small request so the first caller does not pay for ORT's lazy initialisation.</param>
/// <param name="Describe">The model's summary, for logs (forged warning).</param>
public sealed record ModelRecipe<TModel, TOptions>(
    string Section,
    string HealthService,
    Func<OnnxSessionFactory, ModelDirectory, TOptions, TModel> Open,
    Action<TModel, CancellationToken> Warm,
    Func<TModel, ModelSummary> Describe)
    where TModel : class, IDisposable
    where TOptions : ModelServiceOptions;

/// <summary>
/// Start-up checks that fail fast (native library, model directory), then the load and warm-up in the background
/// with NOT_SERVING → SERVING. A failed load stops the process with exit code 1.
/// </summary>
internal sealed class ModelLifecycleService<TModel, TOptions>(
    ModelRecipe<TModel, TOptions> recipe,
    ModelHost<TModel> host,
    IOptions<TOptions> options,
    OnnxSessionFactory sessions,
    ServiceReadiness readiness,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    ILogger<ModelLifecycleService<TModel, TOptions>> logger) : IHostedService
    where TModel : class, IDisposable
    where TOptions : ModelServiceOptions
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loading = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        readiness.Set(recipe.HealthService, ready: false);
        var directory = OpenDirectory(options.Value);
        _loading = Task.Run(() => LoadAsync(sessions, directory, options.Value, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private ModelDirectory OpenDirectory(TOptions settings)
    {
        var path = settings.ResolveModelDirectory(environment.ContentRootPath);
        var fix = $"Run scripts/forge-models.sh (test models) or set {recipe.Section}:ModelDirectory " +
            $"(environment {recipe.Section}__ModelDirectory) to a directory with real weights.";
        if (!Directory.Exists(path))
        {
            throw new ModelStartupException($"Model directory '{path}' does not exist. {fix}");
        }

        try
        {
            return ModelDirectory.Load(path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or FormatException or NotSupportedException)
        {
            throw new ModelStartupException($"Model directory '{path}' is not usable: {ex.Message} {fix}", ex);
        }
    }

    private async Task LoadAsync(OnnxSessionFactory sessions, ModelDirectory directory, TOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            if (settings.WarmupDelay > TimeSpan.Zero)
            {
                ModelHostingLog.WarmupDelayed(logger, settings.WarmupDelay);
                await Task.Delay(settings.WarmupDelay, cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            ModelHostingLog.ModelLoading(logger, directory.ModelId, directory.Path, recipe.HealthService);
            var model = recipe.Open(sessions, directory, settings);
            try
            {
                var summary = recipe.Describe(model);
                if (summary.Forged)
                {
                    ModelHostingLog.ModelForged(logger, summary.ModelId, recipe.HealthService, recipe.Section);
                }

                recipe.Warm(model, cancellationToken);
            }
            catch
            {
                model.Dispose();
                throw;
            }

            host.SetReady(model, ModelInfos.From(recipe.Describe(model), directory.Config.ModelType), directory.Path);
            readiness.Set(recipe.HealthService, ready: true);
            ModelHostingLog.ModelServing(logger, directory.ModelId, clock.ElapsedMilliseconds, recipe.HealthService);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down before the model was ready: nothing to report.
        }
        catch (Exception ex)
        {
            ModelHostingLog.ModelLoadFailed(logger, directory.ModelId, recipe.HealthService, ex);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }
}
