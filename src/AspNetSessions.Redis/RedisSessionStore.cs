using System.Globalization;
using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The Redis backend, on StackExchange.Redis. One script (one round trip) per operation, each atomic and within
/// one hash slot; expiry by Redis TTLs (the absolute cap included), so nothing expired is returned and no sweeper
/// runs. A user's sessions are a sorted set scored by expiry: list, count and revoke-all cost O(log n + k).
/// Kind-wide queries (no user id: admin and maintenance) walk the kind's user indexes on every primary.
/// A revocation answers only once replicas hold it (<see cref="RedisReplicaAcknowledgement"/>).
/// </summary>
/// <remarks>
/// Failures: every way Redis can say "not now" (no connection, a timeout, <c>LOADING</c>, <c>BUSY</c>,
/// <c>READONLY</c>, <c>CLUSTERDOWN</c>, <c>OOM</c>, …) and any other error reply becomes
/// <see cref="SessionStoreUnavailableException"/> (503). Damaged data (a field missing or unparsable, a key of
/// the wrong type) is logged at Error with its key and refused: never authenticated, skipped in lists.
/// </remarks>
internal sealed class RedisSessionStore(RedisConnection connection, string keyPrefix, ILogger logger)
    : ISessionStore, IAsyncDisposable
{
    private readonly string _channel = RedisInvalidationMessages.Channel(keyPrefix);
    private readonly RedisReplicaAcknowledgement _replicas = new(connection, connection.Time);

    public string Name => "Redis";

    internal RedisConnection Connection => connection;

    /// <summary>One run of the Create script, which evicts under a cap in the same atomic step (one slot: the user group's hash tag).</summary>
    public async ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = record.Session;
        var capped = maxSessionsPerUser > 0;
        var args = new RedisValue[4 + RedisSessionFields.Count + (capped ? 2 : 0)];
        args[0] = RedisSessionCodec.Millis(now);
        args[1] = session.Id;
        args[2] = _channel;
        args[3] = session.Kind;
        RedisSessionCodec.WriteFields(record, args.AsSpan(4, RedisSessionFields.Count));
        if (capped)
        {
            args[4 + RedisSessionFields.Count] = maxSessionsPerUser;
            args[5 + RedisSessionFields.Count] = SessionPrefix(session.Kind, SessionIds.UserGroupOfSession(session.Id));
        }

        RedisKey[] keys = [SessionKey(session.Kind, session.Id), IndexKey(session.Kind, session.UserId)];
        try
        {
            // Under a cap the script may evict: then it is a revocation, acknowledged by the replicas.
            var flags = capped ? RedisReplicaAcknowledgement.WriteFlags : CommandFlags.None;
            var reply = await RunAsync(RedisSessionScripts.Create, keys, args, cancellationToken, flags).ConfigureAwait(false);
            if (reply.IsNull)
            {
                throw new InvalidOperationException($"A {session.Kind} session with id {session.Id} exists already; CreateAsync never replaces one.");
            }

            // (Known only from the reply, so the WAIT follows it rather than being sent with it.)
            if (reply.Resp2Type != ResultType.Array)
            {
                throw UnexpectedReply(reply);
            }

            if (reply.Length > 0)
            {
                await ConfirmRevokedAsync(keys[0], cancellationToken).ConfigureAwait(false);
            }

            var items = (RedisResult[])reply!;
            var evicted = new string[items.Length];
            for (var i = 0; i < items.Length; i++)
            {
                evicted[i] = (string?)items[i] ?? throw UnexpectedReply(reply);
            }

            return evicted;
        }
        catch (RedisWrongTypeException e)
        {
            Damaged(keys[1], e.Message);
            throw new SessionStoreUnavailableException("The user's session index in Redis is damaged; the session cannot be written.", e);
        }
    }

    public async ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!SessionIds.IsWellFormed(id))
        {
            return null;
        }

        var key = SessionKey(kind, id);
        return await ReadAsync(RedisSessionScripts.Get, key, [RedisSessionCodec.Millis(now)], kind, id, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        if (!SessionIds.IsWellFormed(lookup.Id))
        {
            return null;
        }

        RedisValue[] args =
        [
            lookup.Digest,
            RedisSessionCodec.Millis(lookup.Now),
            lookup.SlideTo is { } slideTo ? RedisSessionCodec.Millis(slideTo) : RedisValue.EmptyString,
            (long)lookup.SlidingGranularity.TotalMilliseconds,
            lookup.Id,
            IndexPrefix(lookup.Kind, lookup.Id),
        ];
        return await ReadAsync(RedisSessionScripts.FindAndSlide, SessionKey(lookup.Kind, lookup.Id), args, lookup.Kind, lookup.Id, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!SessionIds.IsWellFormed(id))
        {
            return null;
        }

        var args = new List<RedisValue> { RedisSessionCodec.Millis(now), IndexPrefix(kind, id), id, _channel, kind };
        void Add(RedisSessionField field, RedisValue value)
        {
            args.Add(RedisSessionFields.LuaIndex(field));
            args.Add(value);
        }

        if (patch.Digest is { } digest)
        {
            Add(RedisSessionField.Digest, digest);
        }

        if (patch.ExpiresAt is { } expiresAt)
        {
            Add(RedisSessionField.ExpiresAt, RedisSessionCodec.Millis(expiresAt));
        }

        if (patch.LastSeenAt is { } lastSeenAt)
        {
            Add(RedisSessionField.LastSeenAt, RedisSessionCodec.Millis(lastSeenAt));
        }

        if (patch.Claims is { } claims)
        {
            Add(RedisSessionField.Claims, RedisSessionCodec.Claims(claims));
        }

        if (patch.Data is { } data)
        {
            Add(RedisSessionField.Data, RedisSessionCodec.Map(data));
        }

        if (patch.Metadata is { } metadata)
        {
            Add(RedisSessionField.Metadata, RedisSessionCodec.Map(metadata));
        }

        if (patch.AuthenticatedAt is { } authenticatedAt)
        {
            Add(RedisSessionField.AuthenticatedAt, RedisSessionCodec.Millis(authenticatedAt));
        }

        if (patch.AuthenticationItems is { } items)
        {
            Add(RedisSessionField.AuthenticationItems, RedisSessionCodec.Map(items));
        }

        // A new digest revokes the old token: acknowledged by the replicas like any revocation.
        return await ReadAsync(RedisSessionScripts.Update, SessionKey(kind, id), [.. args], kind, id, cancellationToken, revokes: patch.Digest is not null).ConfigureAwait(false);
    }

    public async ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        if (!SessionIds.IsWellFormed(id))
        {
            return false;
        }

        // Acknowledged also when nothing was deleted: a retry after a 503 finds the session gone and must still learn
        // that the replicas hold the first attempt's delete.
        var reply = await RevokeAsync(RedisSessionScripts.Delete, [SessionKey(kind, id)], [IndexPrefix(kind, id), id, _channel, kind], cancellationToken).ConfigureAwait(false);
        return Integer(reply) == 1;
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
            var key = IndexKey(query.Kind, query.UserId);
            try
            {
                var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
                return await Bounded(db.SortedSetLengthAsync(key, min, max, query.Status == SessionStatus.Valid ? Exclude.Start : Exclude.None), cancellationToken).ConfigureAwait(false);
            }
            catch (RedisWrongTypeException e)
            {
                Damaged(key, e.Message);
                return 0;
            }
        }

        return (await QueryAsync(query, cancellationToken).ConfigureAwait(false)).Count;
    }

    /// <summary>How many sessions one revoke-all script deletes at most (about 10 ms of server time each).</summary>
    internal const int DeleteBatch = 1_000;

    public async ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        long deleted = 0;
        var (min, max) = ScoreRange(query);
        foreach (var index in await IndexesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            var args = new List<RedisValue> { Score(min, exclusive: query.Status == SessionStatus.Valid), Score(max, exclusive: false), SessionPrefix(query.Kind, index.Group), query.ExceptSessionId ?? string.Empty, _channel, query.Kind, index.UserId, DeleteBatch };
            if (query.Metadata is { Count: > 0 })
            {
                // Metadata lives in the hashes: pick the ids first, then delete exactly those in one script.
                var matching = new List<SessionRecord>();
                await QueryIndexAsync(index, query, matching, cancellationToken).ConfigureAwait(false);
                if (matching.Count == 0)
                {
                    continue;
                }

                args.AddRange(matching.Select(r => (RedisValue)r.Session.Id));
            }

            try
            {
                // A user with very many sessions is revoked in scripts of DeleteBatch each, so that no one script
                // outlasts the command timeout (or blocks the server) however many there are; each is its own atomic,
                // replica-confirmed step, and the loop ends when a script read fewer ids than a batch.
                long read;
                do
                {
                    // Deleting sessions that have expired revokes nothing a failover could bring back.
                    var reply = query.Status == SessionStatus.Expired
                        ? await RunAsync(RedisSessionScripts.DeleteMany, [index.Key], [.. args], cancellationToken).ConfigureAwait(false)
                        : await RevokeAsync(RedisSessionScripts.DeleteMany, [index.Key], [.. args], cancellationToken).ConfigureAwait(false);
                    if (reply.Resp2Type != ResultType.Array || reply.Length != 2)
                    {
                        throw UnexpectedReply(reply);
                    }

                    var batchDeleted = Integer(reply[0]);
                    read = Integer(reply[1]);
                    deleted += batchDeleted;
                    if (batchDeleted == 0)
                    {
                        break;
                    }
                }
                while (query.Metadata is not { Count: > 0 } && read == DeleteBatch);
            }
            catch (RedisWrongTypeException e)
            {
                // A damaged index names nothing to revoke; the others still are.
                Damaged(index.Key, e.Message);
            }
        }

        return deleted;
    }

    public async ValueTask PingAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await Guard(connection.GetMultiplexerAsync(cancellationToken)).ConfigureAwait(false);
        if (!multiplexer.IsConnected)
        {
            throw new SessionStoreUnavailableException("Redis is not connected.");
        }

        await Bounded(multiplexer.GetDatabase().PingAsync(), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();

    private async ValueTask<SessionRecord?> ReadAsync(RedisScript script, RedisKey key, RedisValue[] args, string kind, string id, CancellationToken cancellationToken, bool revokes = false)
    {
        RedisResult reply;
        try
        {
            reply = revokes
                ? await RevokeAsync(script, [key], args, cancellationToken).ConfigureAwait(false)
                : await RunAsync(script, [key], args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisWrongTypeException e)
        {
            Damaged(key, e.Message);
            return null;
        }

        if (reply.IsNull)
        {
            return null;
        }

        if (reply.Resp2Type != ResultType.Array)
        {
            throw UnexpectedReply(reply);
        }

        if (RedisSessionCodec.TryReadRecord(kind, id, (RedisResult[])reply!, 0, out var record, out var damage))
        {
            return record;
        }

        Damaged(key, damage!);
        return null;
    }

    private async ValueTask QueryIndexAsync(UserIndex index, SessionQuery query, List<SessionRecord> found, CancellationToken cancellationToken)
    {
        var (min, max) = ScoreRange(query);
        const int stride = 1 + RedisSessionFields.Count;
        RedisResult reply;
        try
        {
            reply = await RunAsync(
                RedisSessionScripts.Query,
                [index.Key],
                [Score(min, exclusive: query.Status == SessionStatus.Valid), Score(max, exclusive: false), SessionPrefix(query.Kind, index.Group)],
                cancellationToken).ConfigureAwait(false);
        }
        catch (RedisWrongTypeException e)
        {
            Damaged(index.Key, e.Message);
            return;
        }

        if (reply.Resp2Type != ResultType.Array || reply.Length % stride != 0)
        {
            throw UnexpectedReply(reply);
        }

        var items = (RedisResult[])reply!;
        for (var i = 0; i + stride <= items.Length; i += stride)
        {
            var id = (string?)items[i];
            if (id is null || !SessionIds.IsWellFormed(id))
            {
                Damaged(index.Key, "an index entry is not a session id");
                continue;
            }

            if (!RedisSessionCodec.TryReadRecord(query.Kind, id, items, i + 1, out var record, out var damage))
            {
                Damaged(SessionKey(query.Kind, id), damage!);
                continue;
            }

            if (query.Matches(record!.Session))
            {
                found.Add(record);
            }
        }
    }

    /// <summary>The user index to read: the query's user's, or every user index of the kind on every primary.</summary>
    private async ValueTask<List<UserIndex>> IndexesAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        if (query.UserId is not null)
        {
            return [new UserIndex(IndexKey(query.Kind, query.UserId), SessionIds.UserGroupOfUser(query.UserId), query.UserId)];
        }

        var multiplexer = await Guard(connection.GetMultiplexerAsync(cancellationToken)).ConfigureAwait(false);
        var database = multiplexer.GetDatabase().Database;
        var pattern = string.Concat(EscapeGlob(keyPrefix + query.Kind), ":{*}:u:*");
        var indexes = new HashSet<string>(StringComparer.Ordinal);
        List<IServer> primaries;
        try
        {
            primaries = RedisPrimaries.All(multiplexer);
        }
        catch (Exception e) when (e is not SessionStoreUnavailableException && RedisFailures.IsUnavailable(e, cancellationToken))
        {
            throw RedisFailures.Unavailable(e);
        }

        foreach (var server in primaries)
        {
            try
            {
                await foreach (var key in server.KeysAsync(database, pattern, pageSize: 1000).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    indexes.Add(key!);
                }
            }
            catch (Exception e) when (RedisFailures.IsUnavailable(e, cancellationToken))
            {
                throw RedisFailures.Unavailable(e);
            }
        }

        var found = new List<UserIndex>(indexes.Count);
        foreach (var name in indexes)
        {
            var open = name.IndexOf('{', keyPrefix.Length + query.Kind.Length);
            const string userMark = "}:u:";
            if (open >= 0 && open + 1 + SessionIds.UserGroupLength + userMark.Length <= name.Length)
            {
                found.Add(new UserIndex(name, name.Substring(open + 1, SessionIds.UserGroupLength), name[(open + 1 + SessionIds.UserGroupLength + userMark.Length)..]));
            }
        }

        return found;
    }

    private static (double Min, double Max) ScoreRange(SessionQuery query)
    {
        var now = RedisSessionCodec.Millis(query.Now);
        return query.Status switch
        {
            SessionStatus.Valid => (now, double.PositiveInfinity),
            SessionStatus.Expired => (double.NegativeInfinity, now),
            _ => (double.NegativeInfinity, double.PositiveInfinity),
        };
    }

    /// <summary>A ZRANGEBYSCORE bound for the scripts.</summary>
    private static string Score(double value, bool exclusive)
    {
        var text = double.IsPositiveInfinity(value) ? "+inf" : double.IsNegativeInfinity(value) ? "-inf" : value.ToString("R", CultureInfo.InvariantCulture);
        return exclusive && double.IsFinite(value) ? "(" + text : text;
    }

    /// <summary>
    /// Runs a script by its hash (<c>EVALSHA</c>); a node that does not know it yet (<c>NOSCRIPT</c>: restarted, failed
    /// over, flushed) gets the text once through StackExchange.Redis's script loading, and the hash again after that.
    /// A write that may revoke runs with <see cref="RedisReplicaAcknowledgement.WriteFlags"/>; one that does revoke, through <see cref="RevokeAsync"/>.
    /// </summary>
    private async Task<RedisResult> RunAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken, CommandFlags flags = CommandFlags.None)
    {
        try
        {
            var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await db.ScriptEvaluateAsync(script.Hash, keys, args, flags).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Kind == RedisErrorKind.NoScript)
            {
                return await db.ScriptEvaluateAsync(script.Text, keys, args, flags).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RedisServerException e) when (e.Kind == RedisErrorKind.WrongType)
        {
            throw new RedisWrongTypeException(e);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e, cancellationToken))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    /// <summary>
    /// <see cref="RunAsync"/> for a script that revokes: it answers once the replicas hold the revocation
    /// (<see cref="RedisReplicaAcknowledgement"/>), or the store is unavailable (503).
    /// </summary>
    private async Task<RedisResult> RevokeAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            var db = await connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await _replicas.RunAsync(keys[0], flags => db.ScriptEvaluateAsync(script.Hash, keys, args, flags), cancellationToken).ConfigureAwait(false);
            }
            catch (RedisServerException e) when (e.Kind == RedisErrorKind.NoScript)
            {
                return await _replicas.RunAsync(keys[0], flags => db.ScriptEvaluateAsync(script.Text, keys, args, flags), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RedisServerException e) when (e.Kind == RedisErrorKind.WrongType)
        {
            throw new RedisWrongTypeException(e);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e, cancellationToken))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    /// <summary>After a write that turned out to revoke has answered: the replicas hold it, or the store is unavailable (503).</summary>
    private async Task ConfirmRevokedAsync(RedisKey key, CancellationToken cancellationToken)
    {
        try
        {
            await _replicas.ConfirmAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e, cancellationToken))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private async Task<T> Bounded<T>(Task<T> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call.WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Kind == RedisErrorKind.WrongType)
        {
            throw new RedisWrongTypeException(e);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e, cancellationToken))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private static async Task<T> Guard<T>(ValueTask<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.IsUnavailable(e, CancellationToken.None))
        {
            throw RedisFailures.Unavailable(e);
        }
    }

    private static long Integer(RedisResult reply) =>
        reply.Resp2Type == ResultType.Integer ? (long)reply : throw UnexpectedReply(reply);

    private static SessionStoreUnavailableException UnexpectedReply(RedisResult reply) =>
        new($"Redis answered with an unexpected {reply.Resp3Type} reply; the store is treated as unavailable.");

    private void Damaged(RedisKey key, string reason) => Log.DamagedData(logger, key.ToString(), reason);

    internal string SessionKey(string kind, string id) => string.Concat(SessionPrefix(kind, SessionIds.UserGroupOfSession(id)), id);

    private string SessionPrefix(string kind, string group) => string.Concat(keyPrefix, kind, ":{", group, "}:s:");

    private string IndexPrefix(string kind, string id) => string.Concat(keyPrefix, kind, ":{", SessionIds.UserGroupOfSession(id), "}:u:");

    internal string IndexKey(string kind, string userId) => string.Concat(keyPrefix, kind, ":{", SessionIds.UserGroupOfUser(userId), "}:u:", userId);

    private static string EscapeGlob(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal)
            .Replace("?", "\\?", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);

    private readonly record struct UserIndex(string Key, string Group, string UserId);
}
