using AspNetSessions.Stores;

namespace AspNetSessions.Redis;

/// <summary>
/// The one home of the Redis change channel: its name and its message format, on both sides (the Lua that the
/// mutating scripts use to publish, and the parser the subscriber uses).
/// </summary>
/// <remarks>
/// <para>One channel per key prefix, <c>{prefix}changes</c>, published with <c>PUBLISH</c> from inside the scripts,
/// so the announcement is part of the change itself and costs no extra round trip. <c>PUBLISH</c>, not sharded
/// <c>SPUBLISH</c>: on a Cluster a plain message reaches subscribers on every node over the cluster bus, so an
/// instance needs one subscription whatever the topology; <c>SPUBLISH</c> from a script must name a channel in the
/// script's own slot, so it would take a channel per user group and a subscriber on every one of them.</para>
/// <para>A message is lines: <c>S\n{kind}\n{session id}</c> (one session changed or ended), <c>U\n{kind}\n{user id}</c>
/// (any of a user's sessions), <c>K\n{kind}</c> (any of a kind), and <c>P\n{nonce}</c>, the subscriber's own probe that
/// proves it is listening. Kinds never contain a line break; the user id is the rest of the message, whatever it holds.</para>
/// </remarks>
internal static class RedisInvalidationMessages
{
    private const char Session = 'S';
    private const char User = 'U';
    private const char Kind = 'K';
    private const char Probe = 'P';

    /// <summary>
    /// Lua: <c>announce(channel, type, kind, value)</c>, the scripts' only way to publish (type is
    /// <c>ANNOUNCE_SESSION</c>, <c>ANNOUNCE_USER</c> or <c>ANNOUNCE_KIND</c>; value is nil for a kind).
    /// </summary>
    public static readonly string LuaDeclarations = $$"""
        local ANNOUNCE_SESSION, ANNOUNCE_USER, ANNOUNCE_KIND = '{{Session}}', '{{User}}', '{{Kind}}'
        local function announce(channel, type, kind, value)
          if value then redis.call('PUBLISH', channel, type .. '\n' .. kind .. '\n' .. value)
          else redis.call('PUBLISH', channel, type .. '\n' .. kind) end
        end
        """;

    /// <summary>The channel of a key prefix.</summary>
    public static string Channel(string keyPrefix) => keyPrefix + "changes";

    /// <summary>A probe message carrying <paramref name="nonce"/>.</summary>
    public static string ProbeMessage(string nonce) => Probe + "\n" + nonce;

    /// <summary>
    /// Tells <paramref name="listener"/> what <paramref name="message"/> says; returns the nonce when it is a probe.
    /// A message that does not parse says "something changed, I cannot tell what": the cache then forgets everything
    /// rather than guess.
    /// </summary>
    public static string? Dispatch(string? message, ISessionChangeListener listener, out bool malformed)
    {
        malformed = false;
        if (message is { Length: >= 2 } && message[1] == '\n')
        {
            var rest = message.AsSpan(2);
            if (message[0] == Probe)
            {
                return rest.ToString();
            }

            var split = rest.IndexOf('\n');
            switch (message[0])
            {
                case Kind when split < 0 && rest.Length > 0:
                    listener.KindChanged(rest.ToString());
                    return null;
                case Session when split > 0:
                    listener.SessionChanged(rest[..split].ToString(), rest[(split + 1)..].ToString());
                    return null;
                case User when split > 0:
                    listener.UserChanged(rest[..split].ToString(), rest[(split + 1)..].ToString());
                    return null;
            }
        }

        malformed = true;
        return null;
    }
}
