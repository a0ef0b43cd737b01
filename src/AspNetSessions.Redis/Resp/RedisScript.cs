using System.Security.Cryptography;
using System.Text;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// A Lua script with its SHA-1 computed once, for <c>EVALSHA</c> (and <c>EVAL</c> when the server has not cached
/// it). Create one per script and keep it in a static field.
/// </summary>
internal sealed class RedisScript
{
    /// <summary>Creates the script.</summary>
    /// <param name="text">The Lua source.</param>
    public RedisScript(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        Text = text;
        var utf8 = Encoding.UTF8.GetBytes(text);
        TextUtf8 = utf8;

        // SHA-1 is what Redis names cached scripts by; it is an identifier here, not a security measure.
#pragma warning disable CA5350
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(utf8));
#pragma warning restore CA5350
        Sha1Utf8 = Encoding.ASCII.GetBytes(Sha1);
    }

    /// <summary>The Lua source.</summary>
    public string Text { get; }

    /// <summary>The SHA-1 of the UTF-8 source as 40 lowercase hex digits, as <c>SCRIPT LOAD</c> returns it.</summary>
    public string Sha1 { get; }

    /// <summary>The UTF-8 source, sent as is by <c>EVAL</c>.</summary>
    public ReadOnlyMemory<byte> TextUtf8 { get; }

    /// <summary>The ASCII hex digest, sent as is by <c>EVALSHA</c>.</summary>
    public ReadOnlyMemory<byte> Sha1Utf8 { get; }
}
