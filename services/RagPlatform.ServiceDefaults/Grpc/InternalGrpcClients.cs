using System.Net;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RagPlatform.ServiceDefaults.Grpc;

/// <summary>Where and how a typed client reaches one of the platform's gRPC services.</summary>
/// <param name="Address">
/// <c>http://host:port</c> (one server); <c>dns:///host:port</c> (every address the name resolves to, re-resolved every
/// 30 s, calls spread round robin: a Kubernetes headless Service); or ignored when <paramref name="Addresses"/> is set.
/// </param>
/// <param name="Addresses">A static list of <c>http://host:port</c> replicas, called round robin.</param>
public sealed record GrpcClientTarget(string Address, IReadOnlyList<string>? Addresses = null)
{
    /// <summary>Largest response message accepted; larger → RESOURCE_EXHAUSTED.</summary>
    public int? MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; larger → RESOURCE_EXHAUSTED before sending.</summary>
    public int? MaxSendMessageSize { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal bool IsStatic => Addresses is { Count: > 0 };

    internal bool IsBalanced => IsStatic || Address.StartsWith("dns:", StringComparison.OrdinalIgnoreCase);
}

public static class InternalGrpcClients
{
    private const string StaticScheme = "static";

    /// <summary>How often a dns:/// target is resolved again, so replicas a scale-up adds start taking calls.</summary>
    private static readonly TimeSpan DnsRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest wait between reconnection attempts to a service that went away. Calls made while a channel waits fail at
    /// once with UNAVAILABLE, so grpc-dotnet's default (2 minutes) would keep a restarted service unused for as long;
    /// a peer on the same network is cheap to retry.
    /// </summary>
    private static readonly TimeSpan MaxReconnectBackoff = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Registers <typeparamref name="TClient"/> (a protoc-generated client) with the gRPC client factory, named
    /// <paramref name="name"/>: its own SocketsHttpHandler (extra HTTP/2 connections when one is saturated, keep-alive
    /// pings to notice a dead peer), the internal bearer token (<c>Grpc:SharedToken</c>) as call credentials, and the
    /// deadline and cancellation of the incoming call it is made on behalf of, where there is one (background work
    /// has none and is not an error).
    /// </summary>
    public static IHttpClientBuilder AddInternalGrpcClient<TClient>(this IServiceCollection services, string name, Func<IServiceProvider, GrpcClientTarget> target)
        where TClient : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<InternalCallToken>();
        services.TryAddSingleton<StaticAddressBook>();
        if (!services.Any(d => d.ServiceType == typeof(ResolverFactory)))
        {
            services.AddSingleton<ResolverFactory>(new DnsResolverFactory(DnsRefreshInterval));
            services.AddSingleton<ResolverFactory>(sp => new StaticResolverFactory(sp.GetRequiredService<StaticAddressBook>().Lookup));
        }

        return services
            .AddGrpcClient<TClient>(name, (sp, client) =>
            {
                var resolved = target(sp);
                client.Address = resolved.IsStatic ? sp.GetRequiredService<StaticAddressBook>().Add(name, resolved.Addresses!) : new Uri(resolved.Address);
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ConnectTimeout = target(sp).ConnectTimeout,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                AutomaticDecompression = DecompressionMethods.None,
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
            })
            .ConfigureChannel((sp, channel) =>
            {
                var resolved = target(sp);
                channel.MaxReceiveMessageSize = resolved.MaxReceiveMessageSize;
                channel.MaxSendMessageSize = resolved.MaxSendMessageSize;
                // The platform's services talk cleartext HTTP/2 inside one host or cluster network; the token rides
                // as call credentials all the same (what "Unsafe" refers to). Put TLS in front before crossing networks.
                channel.UnsafeUseInsecureChannelCallCredentials = true;
                channel.InitialReconnectBackoff = TimeSpan.FromMilliseconds(200);
                channel.MaxReconnectBackoff = MaxReconnectBackoff;
                if (resolved.IsBalanced)
                {
                    // dns: and static: say nothing about TLS; round robin spreads calls over every resolved replica.
                    channel.Credentials = ChannelCredentials.Insecure;
                    channel.ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } };
                }
            })
            .AddCallCredentials((_, metadata, sp) =>
            {
                if (sp.GetRequiredService<InternalCallToken>().Header is { } header)
                {
                    metadata.Add("authorization", header);
                }

                return Task.CompletedTask;
            })
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);
    }

    /// <summary>The authorization value every internal call presents: the one this host's own server requires.</summary>
    private sealed class InternalCallToken(IConfiguration configuration)
    {
        public string? Header { get; } = configuration[$"{GrpcServerOptions.SectionName}:{nameof(GrpcServerOptions.SharedToken)}"] is { Length: > 0 } token
            ? "Bearer " + token
            : null;
    }

    /// <summary>The replicas of each statically listed downstream, found by the static:///name address its client uses.</summary>
    private sealed class StaticAddressBook
    {
        private readonly Dictionary<string, BalancerAddress[]> _targets = new(StringComparer.Ordinal);

        public Uri Add(string name, IEnumerable<string> addresses)
        {
            var parsed = addresses.Select(a => new Uri(a, UriKind.Absolute)).Select(u => new BalancerAddress(u.Host, u.Port)).ToArray();
            lock (_targets)
            {
                _targets[name] = parsed;
            }

            return new Uri($"{StaticScheme}:///{name}");
        }

        public IEnumerable<BalancerAddress> Lookup(Uri address)
        {
            lock (_targets)
            {
                return _targets.TryGetValue(address.AbsolutePath.TrimStart('/'), out var found) ? found : [];
            }
        }
    }
}
