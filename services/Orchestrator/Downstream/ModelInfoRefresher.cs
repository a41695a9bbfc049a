using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagPlatform.Orchestrator.Downstream;

/// <summary>
/// Keeps <see cref="ModelServices"/>' Info of each model service fresh off the ask path: at start, every
/// Orchestrator:ModelInfoRefresh, every Orchestrator:ModelInfoRetry while a service has not answered yet, and at once
/// when a response names another model. What an ask decides by (a forged reranker is skipped, a forged generator gives
/// way to an extractive answer) is then known before the ask arrives, and a new generator's tokenizer is fetched and
/// loaded here, so the first generative answer does not wait for it.
/// </summary>
internal sealed class ModelInfoRefresher(ModelServices services, ModelTokenizers tokenizers, IOptions<OrchestratorOptions> options,
    ILogger<ModelInfoRefresher> logger) : BackgroundService
{
    /// <summary>Bound on one round of Info calls.</summary>
    private static readonly TimeSpan CallBudget = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var deadline = DateTime.UtcNow + CallBudget;
            var answered = await Task.WhenAll(services.All.Select(s => RefreshAsync(s, deadline, stoppingToken)));
            var wait = answered.All(a => a) ? options.Value.ModelInfoRefresh : options.Value.ModelInfoRetry;
            try
            {
                await services.WaitForRefreshAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<bool> RefreshAsync(DownstreamService service, DateTime deadline, CancellationToken stoppingToken)
    {
        var before = services.KnownInfo(service);
        try
        {
            var info = await services.FetchAsync(service, deadline, stoppingToken);
            if (before is null || !before.Equals(info))
            {
                OrchestratorLog.ModelKnown(logger, service.Name, info.ModelId, info.Forged);
                if (service == services.Generator)
                {
                    await PreloadTokenizerAsync(info, stoppingToken);
                }
            }

            return true;
        }
        catch (RpcException ex)
        {
            OrchestratorLog.ModelInfoUnavailable(logger, service.Name, ex.Status.Detail);
            return false;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task PreloadTokenizerAsync(Contracts.V1.ModelInfo generator, CancellationToken stoppingToken)
    {
        try
        {
            await tokenizers.GeneratorAsync(generator, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not loaded ahead: the first generative ask tries again, and reports what goes wrong.
            OrchestratorLog.ModelInfoUnavailable(logger, "Generator's tokenizer", ex.Message);
        }
    }
}
