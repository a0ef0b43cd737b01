using System.Globalization;
using AspNetSessions.Redis.Resp;
using AspNetSessions.Stores;

namespace AspNetSessions.Redis;

/// <summary>
/// The Redis backend. One script (one round trip) per operation, each atomic and within one hash slot;
/// expiry by Redis TTLs (the absolute cap included), so nothing expired is returned and no sweeper runs.
/// A user's sessions are a sorted set scored by expiry: list, count and revoke-all cost O(log n + k).
/// Kind-wide queries (no user id: admin and maintenance) walk the kind's user indexes with SCAN.
/// </summary>
internal sealed class RedisSessionStore(IRedisClient client, string keyPrefix) : ISessionStore, IAsyncDisposable
{
    public string Name => "Redis";

    internal IRedisClient Client => client;

    public async ValueTask SetAsync(SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = record.Session;
        var args = new RedisArg[2 + RedisSessionCodec.FieldCount];
        args[0] = RedisSessionCodec.Millis(now);
        args[1] = session.Id;
        RedisSessionCodec.WriteFields(record, args.AsSpan(2));
        RedisArg[] keys = [SessionKey(session.Kind, session.Id), IndexKey(session.Kind, session.UserId)];
        var reply = await RunAsync(RedisSessionScripts.Set, keys, args, cancellationToken).ConfigureAwait(false);
        if (RedisSessionCodec.Integer(reply) != 1)
        {
            throw RedisSessionCodec.UnexpectedReply(reply);
        }
    }

    public async ValueTask SetManyAsync(IReadOnlyList<SessionRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        // Pipelined: every write is sent before the first reply is awaited.
        var writes = new ValueTask[records.Count];
        for (var i = 0; i < writes.Length; i++)
        {
            writes[i] = SetAsync(records[i], now, cancellationToken);
        }

        foreach (var write in writes)
        {
            await write.ConfigureAwait(false);
        }
    }

    public async ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!IsSessionId(id))
        {
            return null;
        }

        var reply = await RunAsync(RedisSessionScripts.Get, new RedisArg[] { SessionKey(kind, id) }, new RedisArg[] { RedisSessionCodec.Millis(now) }, cancellationToken).ConfigureAwait(false);
        return RedisSessionCodec.ReadRecord(kind, id, reply);
    }

    public async ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        if (!IsSessionId(lookup.Id))
        {
            return null;
        }

        RedisArg[] keys = [SessionKey(lookup.Kind, lookup.Id)];
        RedisArg[] args =
        [
            lookup.Digest,
            RedisSessionCodec.Millis(lookup.Now),
            lookup.SlideTo is { } slideTo ? RedisSessionCodec.Millis(slideTo).ToString(CultureInfo.InvariantCulture) : string.Empty,
            (long)lookup.SlidingGranularity.TotalMilliseconds,
            lookup.Id,
            IndexPrefix(lookup.Kind, lookup.Id),
        ];
        var reply = await RunAsync(RedisSessionScripts.FindAndSlide, keys, args, cancellationToken).ConfigureAwait(false);
        return RedisSessionCodec.ReadRecord(lookup.Kind, lookup.Id, reply);
    }

    public async ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!IsSessionId(id))
        {
            return null;
        }

        var args = new List<RedisArg> { RedisSessionCodec.Millis(now), IndexPrefix(kind, id), id };
        if (patch.Digest is { } digest)
        {
            args.AddRange(["d", digest]);
        }

        if (patch.ExpiresAt is { } expiresAt)
        {
            args.AddRange(["e", RedisSessionCodec.Millis(expiresAt)]);
        }

        if (patch.LastSeenAt is { } lastSeenAt)
        {
            args.AddRange(["l", RedisSessionCodec.Millis(lastSeenAt)]);
        }

        if (patch.Claims is { } claims)
        {
            args.AddRange(["cl", RedisSessionCodec.Claims(claims)]);
        }

        if (patch.Data is { } data)
        {
            args.AddRange(["da", RedisSessionCodec.Map(data)]);
        }

        if (patch.Metadata is { } metadata)
        {
            args.AddRange(["m", RedisSessionCodec.Map(metadata)]);
        }

        var reply = await RunAsync(RedisSessionScripts.Update, new RedisArg[] { SessionKey(kind, id) }, args.ToArray(), cancellationToken).ConfigureAwait(false);
        return RedisSessionCodec.ReadRecord(kind, id, reply);
    }

    public async ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        if (!IsSessionId(id))
        {
            return false;
        }

        var reply = await RunAsync(RedisSessionScripts.Delete, new RedisArg[] { SessionKey(kind, id) }, new RedisArg[] { IndexPrefix(kind, id), id }, cancellationToken).ConfigureAwait(false);
        return RedisSessionCodec.Integer(reply) == 1;
    }

    public async ValueTask<IReadOnlyList<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = new List<SessionRecord>();
        foreach (var index in await IndexesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            await QueryIndexAsync(index, query, found, cancellationToken).ConfigureAwait(false);
        }

        found.Sort(SessionRecord.OldestFirst);
        return found;
    }

    public async ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.UserId is not null && query.Metadata is not { Count: > 0 } && query.ExceptSessionId is null)
        {
            // Index scores are expiries: a count is one ZCOUNT, O(log n).
            var (min, max) = ScoreRange(query);
            var reply = await ExecuteAsync("ZCOUNT", new RedisArg[] { IndexKey(query.Kind, query.UserId), min, max }, cancellationToken).ConfigureAwait(false);
            return RedisSessionCodec.Integer(reply);
        }

        return (await QueryAsync(query, cancellationToken).ConfigureAwait(false)).Count;
    }

    public async ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long deleted = 0;
        var (min, max) = ScoreRange(query);
        foreach (var index in await IndexesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var args = new List<RedisArg> { min, max, SessionPrefix(query.Kind, index.Group), query.ExceptSessionId ?? string.Empty };
            if (query.Metadata is { Count: > 0 })
            {
                // Metadata lives in the hashes: pick the ids first, then delete exactly those in one script.
                var matching = new List<SessionRecord>();
                await QueryIndexAsync(index, query, matching, cancellationToken).ConfigureAwait(false);
                if (matching.Count == 0)
                {
                    continue;
                }

                args.AddRange(matching.Select(r => (RedisArg)r.Session.Id));
            }

            var reply = await RunAsync(RedisSessionScripts.DeleteMany, new RedisArg[] { index.Key }, args.ToArray(), cancellationToken).ConfigureAwait(false);
            deleted += RedisSessionCodec.Integer(reply);
        }

        return deleted;
    }

    public async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        var reply = await ExecuteAsync("PING", ReadOnlyMemory<RedisArg>.Empty, cancellationToken).ConfigureAwait(false);
        if (!reply.PayloadEquals("PONG"u8))
        {
            throw RedisSessionCodec.UnexpectedReply(reply);
        }
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();

    private async ValueTask QueryIndexAsync(UserIndex index, SessionQuery query, List<SessionRecord> found, CancellationToken cancellationToken)
    {
        var (min, max) = ScoreRange(query);
        const int stride = 1 + RedisSessionCodec.FieldCount;
        var reply = RedisSessionCodec.Array(
            await RunAsync(RedisSessionScripts.Query, new RedisArg[] { index.Key }, new RedisArg[] { min, max, SessionPrefix(query.Kind, index.Group) }, cancellationToken).ConfigureAwait(false),
            stride);
        for (var i = 0; i + stride <= reply.Count; i += stride)
        {
            var id = reply[i].AsString()!;
            if (RedisSessionCodec.ReadRecord(query.Kind, id, reply, i + 1) is { } record && query.Matches(record.Session))
            {
                found.Add(record);
            }
        }
    }

    /// <summary>The user index to read: the query's user's, or every user index of the kind (SCAN) for kind-wide queries.</summary>
    private async ValueTask<List<UserIndex>> IndexesAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        if (query.UserId is not null)
        {
            return [new UserIndex(IndexKey(query.Kind, query.UserId), SessionUserGroup.Of(query.UserId))];
        }

        var indexes = new List<UserIndex>();
        var pattern = string.Concat(EscapeGlob(keyPrefix + query.Kind), ":{*}:u:*");
        var cursor = "0";
        do
        {
            var reply = await ExecuteAsync("SCAN", new RedisArg[] { cursor, "MATCH", pattern, "COUNT", 1000 }, cancellationToken).ConfigureAwait(false);
            if (reply.Kind != RespKind.Array || reply.Count != 2)
            {
                throw RedisSessionCodec.UnexpectedReply(reply);
            }

            cursor = reply[0].AsString()!;
            foreach (var key in reply[1].Items)
            {
                var name = key.AsString()!;
                var open = name.IndexOf('{', keyPrefix.Length + query.Kind.Length);
                indexes.Add(new UserIndex(name, name.Substring(open + 1, SessionUserGroup.Length)));
            }
        }
        while (cursor != "0");

        return [.. indexes.DistinctBy(i => i.Key, StringComparer.Ordinal)];
    }

    private static (string Min, string Max) ScoreRange(SessionQuery query)
    {
        var now = RedisSessionCodec.Millis(query.Now).ToString(CultureInfo.InvariantCulture);
        return query.Status switch
        {
            SessionStatus.Valid => ("(" + now, "+inf"),
            SessionStatus.Expired => ("-inf", now),
            _ => ("-inf", "+inf"),
        };
    }

    private async ValueTask<RespValue> RunAsync(RedisScript script, ReadOnlyMemory<RedisArg> keys, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken)
    {
        try
        {
            return await client.EvalAsync(script, keys, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            // Includes timeouts, protocol errors and authentication failures: no answer we can trust.
            throw Unavailable(e);
        }
    }

    private async ValueTask<RespValue> ExecuteAsync(string command, ReadOnlyMemory<RedisArg> args, CancellationToken cancellationToken)
    {
        try
        {
            return await client.ExecuteAsync(command, args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            // Includes timeouts, protocol errors and authentication failures: no answer we can trust.
            throw Unavailable(e);
        }
    }

    private static SessionStoreUnavailableException Unavailable(Exception e) => new("Redis is unavailable: " + e.Message, e);

    private static bool IsSessionId(string id) => SessionIds.IsWellFormed(id);

    private string SessionKey(string kind, string id) => string.Concat(SessionPrefix(kind, SessionUserGroup.FromSessionId(id)), id);

    private string SessionPrefix(string kind, string group) => string.Concat(keyPrefix, kind, ":{", group, "}:s:");

    private string IndexPrefix(string kind, string id) => string.Concat(keyPrefix, kind, ":{", SessionUserGroup.FromSessionId(id), "}:u:");

    private string IndexKey(string kind, string userId) => string.Concat(keyPrefix, kind, ":{", SessionUserGroup.Of(userId), "}:u:", userId);

    private static string EscapeGlob(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal)
            .Replace("?", "\\?", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);

    private readonly record struct UserIndex(string Key, string Group);
}
