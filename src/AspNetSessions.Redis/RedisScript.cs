using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace AspNetSessions.Redis;

/// <summary>
/// One Lua script of the store: its text and its SHA-1, computed once, so that every call is an <c>EVALSHA</c> by
/// hash. StackExchange.Redis's own script cache (<c>ScriptEvaluateAsync(string, …)</c>) looks the text up in a
/// per-server <c>Hashtable</c> on every call, hashing the whole script under the connection's write lock: 3.8 % of
/// the app's CPU under load (bench/results/redis-old-vs-new). The text is only sent when a node answers
/// <c>NOSCRIPT</c> (after a restart, a failover or <c>SCRIPT FLUSH</c>).
/// </summary>
internal sealed class RedisScript
{
    private RedisScript(string text)
    {
        Text = text;
        Hash = Sha1(text);
    }

    public string Text { get; }

    /// <summary>The script's SHA-1, as <c>EVALSHA</c> names it.</summary>
    public byte[] Hash { get; }

    public static implicit operator RedisScript(string text) => new(text);

    public override string ToString() => Convert.ToHexStringLower(Hash);

    // Redis names scripts by SHA-1; nothing here depends on its collision resistance.
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "EVALSHA is defined over SHA-1.")]
    private static byte[] Sha1(string text) => SHA1.HashData(Encoding.UTF8.GetBytes(text));
}
