using System.Collections.Concurrent;
using System.Globalization;
using AspNetSessions.Stores;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspNetSessions.Redis;

/// <summary>
/// The Redis backend, on StackExchange.Redis. One script (one round trip) per operation, each atomic and within
/// one hash slot; expiry by Redis TTLs (the absolute cap included), so nothing expired is returned and no sweeper
/// runs. A user's sessions are a sorted set scored by expiry: list, count and revoke-all cost O(log n + k).
/// Kind-wide pages walk the kind's listing index; kind-wide counts and deletes (maintenance) walk the kind's user indexes
/// on every primary. A revocation answers only once replicas hold it (<see cref="RedisReplicaAcknowledgement"/>).
/// </summary>
/// <remarks>
/// <para>
/// Key layout (the one place it is written down; docs/redis.md shows it to operators): a session is the hash
/// <c>{prefix}{kind}:{G}:s:{id}</c>, its user's index the sorted set <c>{prefix}{kind}:{G}:u:{user}</c> (ids scored by
/// expiry), both in the slot of the user group <c>G</c> (<see cref="RedisSessionScripts"/>). The kind's listing index
/// holds every session id of the kind in listing order (created-at, then id bytewise), in listpack buckets of at most
/// 120 ids under the directory <c>{prefix}{kind}:{#}:l</c> (<see cref="RedisSessionScripts"/>' listing library), so a page
/// starts in O(log n) (<see cref="RedisSessionScripts.ListingPage"/>). <c>#</c> is no base64url character, so it never
/// names a user group.
/// </para>
/// <para>
/// The listing index lives in one slot of its own, so in a Cluster no script can write it together with a session: it
/// is written around them instead. A create adds the id first (<see cref="RedisSessionScripts.List"/>, one more round trip) and writes the
/// session after, so a session is never missing from it; deletes, revoke-alls and evictions remove their ids after the
/// fact (<see cref="RedisSessionScripts.Unlist"/>, not awaited: their scripts return each session's created-at, which
/// finds its bucket). What that leaves behind, the ids of sessions that expired by TTL or whose removal was lost,
/// is dropped by whatever passes them first: a page, or the sweep that every create advances by
/// <see cref="SweepStep"/> ids (<see cref="SweepListingAsync"/>), so the index stays proportional to the kind's live
/// sessions without a sweeper of its own or an admin paging. Both leave an id alone for a minute's grace, which keeps
/// them from dropping the id of a create in flight.
/// A page reads the index from the cursor on, then each session's hash (pipelined), examining at most
/// <c>max(4 × limit, 100)</c> ids: O(log n + limit) per page, in a node and across Cluster shards alike.
/// </para>
/// </remarks>
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
        // The listing index first: a session is never missing from it (an id whose create then fails is dropped by a page).
        await ListAsync(session.Kind, new SessionPosition(session.CreatedAt, session.Id), cancellationToken).ConfigureAwait(false);
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
            if (items.Length % 2 != 0)
            {
                throw UnexpectedReply(reply);
            }

            var evicted = new string[items.Length / 2];
            for (var i = 0; i < evicted.Length; i++)
            {
                evicted[i] = (string?)items[2 * i] ?? throw UnexpectedReply(reply);
            }

            Unlist(session.Kind, Listed(items));
            if (Interlocked.Exchange(ref _sweeping, 1) == 0)
            {
                Sweep = SweepListingAsync(session.Kind, now);
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

        // ARGV[6]: the precondition, '' for none or '=' and the challenge the stored one must equal (SessionPatch.Holds).
        var args = new List<RedisValue> { RedisSessionCodec.Millis(now), IndexPrefix(kind, id), id, _channel, kind, patch.IfDeviceChallenge is { } expected ? "=" + expected : RedisValue.EmptyString };
        void Add(RedisSessionField field, RedisValue value)
        {
            args.Add(RedisSessionFields.LuaIndex(field));
            args.Add(value);
        }

        if (patch.Digest is { } digest)
        {
            Add(RedisSessionField.Digest, digest);
            // The grace end, or '' to drop any previous digest: the script appends the replaced digest (SessionPatch.ApplyTo).
            Add(RedisSessionField.PreviousDigest, patch.PreviousDigestAcceptedUntil is { } until ? RedisSessionCodec.Millis(until) : RedisValue.EmptyString);
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

        if (patch.DeviceKey is { } deviceKey)
        {
            Add(RedisSessionField.DeviceKey, RedisSessionCodec.DeviceKey(deviceKey));
        }

        if (patch.DeviceChallenge is { } challenge)
        {
            Add(RedisSessionField.DeviceChallenge, challenge);
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
        if (reply.Resp2Type != ResultType.Array || reply.Length != 2)
        {
            throw UnexpectedReply(reply);
        }

        Unlist(kind, Listed([RedisResult.Create((RedisValue)id), reply[1]]));
        return Integer(reply[0]) == 1;
    }

    /// <summary>A user's page: their index, sorted (O(k log k)). A kind-wide page: the listing index from the cursor on.</summary>
    public async ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.UserId is not null)
        {
            return SessionCursor.Page(Name, query, await QueryAllAsync(query, cancellationToken).ConfigureAwait(false));
        }

        var after = SessionCursor.Read(Name, query);
        var budget = Math.Max(4 * query.Limit, 100);
        var items = new List<SessionRecord>();
        var stale = new List<SessionPosition>();
        var (examined, more) = (0, true);
        SessionPosition? last = null;
        while (more && items.Count < query.Limit && examined < budget)
        {
            // One more than needed, to know whether anything follows.
            var want = Math.Min(query.Limit - items.Count, budget - examined);
            var entries = await ListingAsync(query.Kind, last ?? after, want + 1, cancellationToken).ConfigureAwait(false);
            more = entries.Count > want;
            var batch = entries.Take(want).ToList();
            var reads = batch.Select(e => GetAsync(query.Kind, e.Id, DateTimeOffset.MinValue, cancellationToken).AsTask()).ToList();
            for (var i = 0; i < batch.Count; i++)
            {
                examined++;
                last = batch[i];
                var record = await reads[i].ConfigureAwait(false);
                if (record is null)
                {
                    // Gone (expired by TTL, or its removal was lost): dropped, unless it may be a create in flight.
                    if (batch[i].CreatedAt < query.Now - ListingGrace)
                    {
                        stale.Add(batch[i]);
                    }
                }
                else if (query.Matches(record.Session))
                {
                    items.Add(record);
                }
            }
        }

        Unlist(query.Kind, Listed(stale));
        return new SessionPage<SessionRecord>(items, more && last is { } at ? SessionCursor.Issue(Name, query, at) : null);
    }

    /// <summary>How long a listed id whose session is missing is left alone: longer than a create's two steps can take.</summary>
    private static readonly TimeSpan ListingGrace = TimeSpan.FromMinutes(1);

    /// <summary>Up to <paramref name="count"/> entries of the kind's listing index strictly after <paramref name="after"/>.</summary>
    private async Task<List<SessionPosition>> ListingAsync(string kind, SessionPosition? after, int count, CancellationToken cancellationToken)
    {
        RedisValue[] args = after is { } p
            ? [RedisSessionCodec.Millis(p.CreatedAt), p.Id, count]
            : [RedisValue.EmptyString, RedisValue.EmptyString, count];
        var key = ListingKey(kind);
        RedisResult reply;
        try
        {
            reply = await RunAsync(RedisSessionScripts.ListingPage, [key], args, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisWrongTypeException e)
        {
            Damaged(key, e.Message);
            return [];
        }

        if (reply.Resp2Type != ResultType.Array || reply.Length % 2 != 0)
        {
            throw UnexpectedReply(reply);
        }

        var found = new List<SessionPosition>(reply.Length / 2);
        for (var i = 0; i + 1 < reply.Length; i += 2)
        {
            var id = (string?)reply[i];
            if (id is null || !SessionIds.IsWellFormed(id) || !long.TryParse((string?)reply[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis))
            {
                Damaged(key, "a listing entry is not a session id with a created-at score");
                continue;
            }

            found.Add(new SessionPosition(DateTimeOffset.FromUnixTimeMilliseconds(millis), id));
        }

        return found;
    }

    /// <summary>How many listed ids each create's sweep step checks (<see cref="SweepListingAsync"/>).</summary>
    internal const int SweepStep = 4;

    // Where each kind's sweep stopped (none: at the start), and whether a step is running (one at a time per store).
    private readonly ConcurrentDictionary<string, SessionPosition> _swept = new(StringComparer.Ordinal);
    private int _sweeping;

    /// <summary>The listing sweep's step that runs or ran last (tests wait for it; it never throws).</summary>
    internal Task Sweep { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// One step of the listing index's sweep, after a create (not awaited, and not started while another step runs): the next
    /// <see cref="SweepStep"/> listed ids after where the last step stopped, starting over at the end, each checked with
    /// <c>EXISTS</c> (pipelined, each to its own shard), and those whose session is gone and older than
    /// <see cref="ListingGrace"/> dropped. Sessions leave the index at most as fast as they are created, and the sweep
    /// passes over it four times as fast, so ids of sessions expired by TTL never pile up (the index holds about 4/3 of
    /// the kind's live sessions at most, in a steady state). A failure is left to the next create's step.
    /// </summary>
    private async Task SweepListingAsync(string kind, DateTimeOffset now)
    {
        try
        {
            var entries = await ListingAsync(kind, _swept.TryGetValue(kind, out var at) ? at : null, SweepStep, CancellationToken.None).ConfigureAwait(false);
            if (entries.Count < SweepStep)
            {
                _swept.TryRemove(kind, out _);
            }
            else
            {
                _swept[kind] = entries[^1];
            }

            if (entries.Count == 0)
            {
                return;
            }

            var db = await connection.GetDatabaseAsync(CancellationToken.None).ConfigureAwait(false);
            var exists = entries.Select(e => db.KeyExistsAsync(SessionKey(kind, e.Id))).ToArray();
            var gone = new List<SessionPosition>();
            for (var i = 0; i < entries.Count; i++)
            {
                if (!await exists[i].WaitAsync(connection.CommandTimeout).ConfigureAwait(false) && entries[i].CreatedAt < now - ListingGrace)
                {
                    gone.Add(entries[i]);
                }
            }

            await UnlistAsync(kind, Listed(gone)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SessionStoreUnavailableException || RedisFailures.IsUnavailable(e, CancellationToken.None))
        {
            // Redis is not answering now: the next create's step goes on from where this one started.
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Lists a session in the kind's listing index (a create's first step).</summary>
    internal Task ListAsync(string kind, SessionPosition position, CancellationToken cancellationToken) =>
        RunAsync(RedisSessionScripts.List, [ListingKey(kind)], [RedisSessionCodec.Millis(position.CreatedAt), position.Id], cancellationToken);

    // Unlistings under way (Unlist does not await them): what SettledAsync waits for.
    private readonly ConcurrentDictionary<Task, bool> _unlisting = new();

    /// <summary>
    /// Drops sessions from the kind's listing index (<paramref name="listed"/>: created-at then id, as
    /// <see cref="Listed(RedisResult[])"/> and <see cref="Listed(IEnumerable{SessionPosition})"/> make them), without the
    /// caller waiting: a revocation is done when its own script is, and one that stays listed is dropped by the next page or
    /// sweep step that passes it.
    /// </summary>
    private void Unlist(string kind, RedisValue[] listed)
    {
        if (listed.Length == 0)
        {
            return;
        }

        var task = UnlistAsync(kind, listed);
        if (!task.IsCompleted && _unlisting.TryAdd(task, true))
        {
            _ = task.ContinueWith(t => _unlisting.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>The <see cref="RedisSessionScripts.Unlist"/> script; never throws (what it fails to drop is dropped later).</summary>
    private async Task UnlistAsync(string kind, RedisValue[] listed)
    {
        if (listed.Length == 0)
        {
            return;
        }

        try
        {
            await RunAsync(RedisSessionScripts.Unlist, [ListingKey(kind)], listed, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException)
        {
            // Redis is not answering now: a later page or sweep step drops these.
        }
        catch (RedisWrongTypeException e)
        {
            Damaged(ListingKey(kind), e.Message);
        }
    }

    /// <summary>Waits for the listing sweep step and the unlistings under way (tests: before counting Redis's commands).</summary>
    internal async Task SettledAsync()
    {
        await Sweep.ConfigureAwait(false);
        await Task.WhenAll(_unlisting.Keys).ConfigureAwait(false);
    }

    /// <summary>A script's (id, created-at) pairs as <see cref="RedisSessionScripts.Unlist"/>'s arguments, without those whose created-at is unknown.</summary>
    private static RedisValue[] Listed(RedisResult[] pairs)
    {
        var listed = new List<SessionPosition>(pairs.Length / 2);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            if (long.TryParse((string?)pairs[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis) && millis >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && millis <= RedisSessionScripts.Never && (string?)pairs[i] is { } id)
            {
                listed.Add(new SessionPosition(DateTimeOffset.FromUnixTimeMilliseconds(millis), id));
            }
        }

        return Listed(listed);
    }

    /// <summary>Positions as <see cref="RedisSessionScripts.Unlist"/>'s arguments: (created-at, id) pairs in listing order.</summary>
    private static RedisValue[] Listed(IEnumerable<SessionPosition> positions) =>
        [.. positions.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal).SelectMany(p => new RedisValue[] { RedisSessionCodec.Millis(p.CreatedAt), p.Id })];

    /// <summary>Every session of the query (kind-wide: walking every user index on every primary), for counts.</summary>
    private async ValueTask<List<SessionRecord>> QueryAllAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var found = new List<SessionRecord>();
        foreach (var index in await IndexesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            await QueryIndexAsync(index, query, found, cancellationToken).ConfigureAwait(false);
        }

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

        return (await QueryAllAsync(query, cancellationToken).ConfigureAwait(false)).Count;
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
                    if (reply.Resp2Type != ResultType.Array || reply.Length != 3 || reply[2].Resp2Type != ResultType.Array)
                    {
                        throw UnexpectedReply(reply);
                    }

                    var batchDeleted = Integer(reply[0]);
                    read = Integer(reply[1]);
                    deleted += batchDeleted;
                    Unlist(query.Kind, Listed((RedisResult[])reply[2]!));
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

    private string ListingKey(string kind) => string.Concat(keyPrefix, kind, ":{#}:l");

    internal string IndexKey(string kind, string userId) => string.Concat(keyPrefix, kind, ":{", SessionIds.UserGroupOfUser(userId), "}:u:", userId);

    private static string EscapeGlob(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("*", "\\*", StringComparison.Ordinal)
            .Replace("?", "\\?", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal);

    private readonly record struct UserIndex(string Key, string Group, string UserId);
}
