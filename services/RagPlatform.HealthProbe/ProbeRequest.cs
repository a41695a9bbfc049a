using System.Globalization;

namespace RagPlatform.HealthProbe;

public enum ProbeKind
{
    /// <summary>grpc.health.v1 Check; healthy when the status is SERVING.</summary>
    Grpc,
    /// <summary>HTTP GET; healthy on any 2xx.</summary>
    Http,
}

/// <summary>One probe as given on the command line.</summary>
/// <param name="Service">The grpc.health.v1 service name; "" asks about the server as a whole.</param>
public sealed record ProbeRequest(ProbeKind Kind, Uri Target, string Service, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    public const string Usage =
        "usage: RagPlatform.HealthProbe grpc <http://host:port> [service] [--timeout <seconds>]\n" +
        "       RagPlatform.HealthProbe http <http://host:port/path> [--timeout <seconds>]";

    /// <summary>Parses the arguments; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ProbeRequest? request, out string error)
    {
        ArgumentNullException.ThrowIfNull(args);
        request = null;
        var positional = new List<string>();
        var timeout = DefaultTimeout;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] != "--timeout")
            {
                positional.Add(args[i]);
                continue;
            }

            if (i + 1 >= args.Count || !double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                || !double.IsFinite(seconds) || seconds is <= 0 or > 300)
            {
                error = "--timeout needs a number of seconds between 0 and 300.";
                return false;
            }

            timeout = TimeSpan.FromSeconds(seconds);
            i++;
        }

        if (positional.Count < 2)
        {
            error = "a probe kind (grpc or http) and a target address are required.";
            return false;
        }

        var kind = positional[0] switch
        {
            "grpc" => ProbeKind.Grpc,
            "http" => ProbeKind.Http,
            _ => (ProbeKind?)null,
        };
        if (kind is null)
        {
            error = $"unknown probe kind '{positional[0]}' (grpc or http).";
            return false;
        }

        // Only cleartext http: the probe runs beside the service, on loopback, where there is no TLS to verify.
        if (!Uri.TryCreate(positional[1], UriKind.Absolute, out var target) || target.Scheme != Uri.UriSchemeHttp)
        {
            error = $"the target must be an absolute http:// address (was '{positional[1]}').";
            return false;
        }

        var maxPositional = kind == ProbeKind.Grpc ? 3 : 2;
        if (positional.Count > maxPositional)
        {
            error = $"unexpected argument '{positional[maxPositional]}'.";
            return false;
        }

        request = new ProbeRequest(kind.Value, target, positional.Count == 3 ? positional[2] : "", timeout);
        error = "";
        return true;
    }
}
