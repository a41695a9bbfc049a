using System.Security.Cryptography;
using System.Text;

namespace RagPlatform.Gateway.Auth;

/// <summary>
/// API keys, stored as SHA-256 hashes only: a stolen database reveals no key. Verification compares the presented
/// key's hash with every stored hash in constant time. Implementations: <see cref="SqliteApiKeyStore"/> (one gateway)
/// and <see cref="PostgresApiKeyStore"/> (every gateway replica, a revocation seen by all within a second). Where the
/// database is down, calls throw RagPlatform.Storage.StoreUnavailableException.
/// </summary>
public interface IApiKeyStore
{
    /// <returns>The key <paramref name="secret"/> belongs to, or null.</returns>
    Task<ApiKey?> VerifyAsync(string secret, CancellationToken cancellationToken);

    /// <summary>Makes a new random key and stores its hash; the returned secret is shown to the caller once.</summary>
    Task<(ApiKey Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> collections, bool admin, CancellationToken cancellationToken);

    /// <summary>Makes an admin key for all collections only when no key exists at all (the first start); null otherwise.</summary>
    Task<(ApiKey Key, string Secret)?> CreateFirstAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores a key chosen by the operator (the bootstrap key); a no-op when that key exists.</summary>
    Task<ApiKey> ImportAsync(string secret, string name, IReadOnlyList<string> collections, bool admin, CancellationToken cancellationToken);

    /// <summary>Every key, oldest first (never a secret).</summary>
    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a key; false when there is none with that id.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}

/// <summary>What every key store does the same way: making secrets and ids, hashing, matching in constant time.</summary>
public static class ApiKeySecrets
{
    public const string KeyPrefix = "rag_";

    /// <summary>192 random bits: an unsalted fast hash is then enough (there is no dictionary to guess from).</summary>
    public static string NewSecret() => KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    public static string NewId() => "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>The key whose hash is <paramref name="hash"/>, comparing with every stored hash so timing tells nothing.</summary>
    public static ApiKey? Match(IReadOnlyList<(byte[] Hash, ApiKey Key)> keys, byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ApiKey? match = null;
        foreach (var (stored, key) in keys)
        {
            // No early exit: every stored hash is compared, whichever matches.
            if (CryptographicOperations.FixedTimeEquals(hash, stored))
            {
                match = key;
            }
        }

        return match;
    }
}
