using System.Threading.Channels;

namespace RagPlatform.Grpc;

/// <summary>Serving status of a service, numbered as grpc.health.v1.HealthCheckResponse.ServingStatus.</summary>
public enum ServingStatus
{
    Unknown = 0,
    Serving = 1,
    NotServing = 2,
    /// <summary>Only reported by Watch, for a service the registry does not know.</summary>
    ServiceUnknown = 3,
}

/// <summary>
/// The statuses the health service reports. "" is the server as a whole and starts as SERVING;
/// services appear when first set (e.g. NOT_SERVING until a model is loaded).
/// </summary>
public sealed class HealthStatusRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [""] = ServingStatus.Serving };
    private readonly Dictionary<string, List<ChannelWriter<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status == ServingStatus.ServiceUnknown)
        {
            throw new ArgumentException("SERVICE_UNKNOWN is reported by Watch for unknown services; it cannot be set.", nameof(status));
        }

        lock (_gate)
        {
            if (_statuses.TryGetValue(service, out var current) && current == status)
            {
                return;
            }

            _statuses[service] = status;
            if (_watchers.TryGetValue(service, out var watchers))
            {
                foreach (var watcher in watchers)
                {
                    watcher.TryWrite(status);
                }
            }
        }
    }

    public bool TryGetStatus(string service, out ServingStatus status)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>
    /// The current status (SERVICE_UNKNOWN if none), then each change, until disposed. Statuses a
    /// slow reader has not taken yet are replaced by newer ones: a watcher converges on the latest.
    /// </summary>
    internal HealthWatch Watch(string service)
    {
        var channel = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        lock (_gate)
        {
            channel.Writer.TryWrite(_statuses.TryGetValue(service, out var current) ? current : ServingStatus.ServiceUnknown);
            if (!_watchers.TryGetValue(service, out var watchers))
            {
                _watchers[service] = watchers = [];
            }

            watchers.Add(channel.Writer);
        }

        return new HealthWatch(this, service, channel);
    }

    private void Unwatch(string service, ChannelWriter<ServingStatus> writer)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(service, out var watchers) && watchers.Remove(writer) && watchers.Count == 0)
            {
                _watchers.Remove(service);
            }
        }

        writer.TryComplete();
    }

    internal sealed class HealthWatch(HealthStatusRegistry registry, string service, Channel<ServingStatus> channel) : IDisposable
    {
        public ChannelReader<ServingStatus> Updates => channel.Reader;

        public void Dispose() => registry.Unwatch(service, channel.Writer);
    }
}
