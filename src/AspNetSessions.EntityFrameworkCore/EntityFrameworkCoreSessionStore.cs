using System.Data.Common;
using System.Linq.Expressions;
using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// Sessions in relational tables through EF Core, on any provider. The hot path is one compiled, no-tracking query by
/// primary key; a slide is one conditional UPDATE (compare-and-swap on version, last seen and expiry), so concurrent
/// requests never move expiry backwards, never undo a rotation, and never bring back a deleted row. Bulk changes are
/// single set-based statements. Digests are compared in the app, in constant time.
/// </summary>
internal sealed class EntityFrameworkCoreSessionStore<TContext> : ISessionStore, IEntityFrameworkCoreSessionStore
    where TContext : DbContext
{
    public const string StoreName = "EntityFrameworkCore";

    /// <summary>Compare-and-swap attempts before a write gives up as contended (503); each retry re-reads the row.</summary>
    private const int MaxAttempts = 16;

    private static readonly string EntityNamePlaceholder = "";

    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    private readonly Func<SessionContextLease<TContext>> _rent;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Func<TContext, string, string, CancellationToken, Task<SessionRow?>>> _find = new(StringComparer.Ordinal);
    private readonly SessionLookupStatements? _lookups;
    private int _misconfigurationLogged;

    /// <param name="rent">A context for one call.</param>
    /// <param name="logger">The store's logger.</param>
    /// <param name="lookupDataSource"><see cref="EntityFrameworkCoreSessionStoreOptions.LookupDataSource"/>.</param>
    public EntityFrameworkCoreSessionStore(Func<SessionContextLease<TContext>> rent, ILogger logger, Func<DbContext, DbDataSource?>? lookupDataSource = null)
    {
        _rent = rent;
        _logger = logger;
        using var lease = rent();
        Tables = SessionTable.MapOf(lease.Context.Model);
        if (Tables.IsEmpty)
        {
            throw new InvalidOperationException(
                $"The EF Core model of {typeof(TContext).Name} has no session tables: call modelBuilder.AddSessions() in its OnModelCreating.");
        }

        foreach (var table in Tables.Tables)
        {
            _find[table.EntityName] = CompileFind(table.EntityName);
        }

        _lookups = SessionLookupStatements.For(lease.Context, Tables, lookupDataSource);
    }

    public string Name => StoreName;

    public SessionTableMap Tables { get; }

    public IReadOnlyList<SessionTableLocation> TableLocations => [.. Tables.Tables.Select(static t => t.Columns)];

    public string? GetProviderName()
    {
        using var lease = _rent();
        return lease.Context.Database.ProviderName;
    }

    public string? GetConnectionString()
    {
        using var lease = _rent();
        return lease.Context.Database.GetConnectionString();
    }

    /// <summary>
    /// An INSERT; under a cap, in one transaction that first takes a per-user lock, so concurrent creations for one user
    /// run one after the other and each sees the rows the previous one committed: PostgreSQL <c>pg_advisory_xact_lock</c>
    /// on the (kind, user) key (READ COMMITTED reads after the lock see every earlier commit), SQL Server
    /// <c>sp_getapplock</c>, SQLite its one writer (<c>BEGIN IMMEDIATE</c>, the Microsoft.Data.Sqlite default), any other
    /// provider SERIALIZABLE. Inside it: the user's other valid sessions, <see cref="SessionEviction.Choose"/>, one DELETE
    /// of the evicted ids, the INSERT. An INSERT refused because the id exists is the caller's bug, not an outage.
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> CreateAsync(SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var session = record.Session;
        return await RunAsync(nameof(CreateAsync), async (context, ct) =>
        {
            try
            {
                if (maxSessionsPerUser > 0)
                {
                    return await CreateCappedAsync(context, record, maxSessionsPerUser, now, ct).ConfigureAwait(false);
                }

                await InsertAsync(context, record, ct).ConfigureAwait(false);
                return [];
            }
            catch (DbUpdateException) when (!ct.IsCancellationRequested)
            {
                // Ids carry 104 random bits: a row with this id (version 0: none) makes the failure the caller's bug.
                context.ChangeTracker.Clear();
                if ((await ReadAsync(context, session.Kind, session.Id, ct).ConfigureAwait(false)).Version != 0)
                {
                    throw new InvalidOperationException($"A {session.Kind} session with id {session.Id} exists already; CreateAsync never replaces one.");
                }

                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<string>> CreateCappedAsync(TContext context, SessionRecord record, int maxSessionsPerUser, DateTimeOffset now, CancellationToken cancellationToken) =>
        context.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            var session = record.Session;
            context.ChangeTracker.Clear();
            var provider = context.Database.ProviderName ?? string.Empty;
            var serializable = !provider.Contains("Npgsql", StringComparison.Ordinal) && !provider.Contains("SqlServer", StringComparison.Ordinal)
                && !provider.Contains("Sqlite", StringComparison.Ordinal);
            var transaction = await (serializable
                ? context.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct)
                : context.Database.BeginTransactionAsync(ct)).ConfigureAwait(false);
            await using var _ = transaction.ConfigureAwait(false);
            await LockUserAsync(context, provider, session.Kind, session.UserId, ct).ConfigureAwait(false);
            var others = await LoadAsync(context, new SessionQuery { Kind = session.Kind, UserId = session.UserId, Now = now, ExceptSessionId = session.Id }, ct)
                .ConfigureAwait(false);
            var ids = SessionEviction.Choose(others, maxSessionsPerUser);
            if (ids.Count > 0)
            {
                var (kind, list) = (session.Kind, ids.ToList());
                await Rows(context, kind).Where(r => r.Kind == kind && list.Contains(r.Id)).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            }

            await InsertAsync(context, record, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return ids;
        }, cancellationToken);

    /// <summary>The per-user lock of <see cref="CreateAsync"/>, held until the transaction ends.</summary>
    private static async Task LockUserAsync(TContext context, string provider, string kind, string userId, CancellationToken cancellationToken)
    {
        var key = string.Concat(kind, "\n", userId);
        if (provider.Contains("Npgsql", StringComparison.Ordinal))
        {
            await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))", [key], cancellationToken).ConfigureAwait(false);
        }
        else if (provider.Contains("SqlServer", StringComparison.Ordinal))
        {
            await context.Database.ExecuteSqlRawAsync(
                "EXEC sp_getapplock @Resource = {0}, @LockMode = 'Exclusive', @LockOwner = 'Transaction'", [key], cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<SessionRecord?> GetAsync(string kind, string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!SessionIds.IsWellFormed(id))
        {
            return null;
        }

        return await RunAsync(nameof(GetAsync), async (context, ct) =>
        {
            var (record, _) = await ReadAsync(context, kind, id, ct).ConfigureAwait(false);
            return record is not null && record.Session.IsValidAt(now) ? record : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SessionRecord?> FindAndSlideAsync(SessionLookup lookup, CancellationToken cancellationToken)
    {
        if (!SessionIds.IsWellFormed(lookup.Id))
        {
            return null;
        }

        if (_lookups is not null)
        {
            return await FindAndSlideBelowEfCoreAsync(_lookups, lookup, cancellationToken).ConfigureAwait(false);
        }

        return await RunAsync(nameof(FindAndSlideAsync), async (context, ct) =>
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var (record, version) = await ReadAsync(context, lookup.Kind, lookup.Id, ct).ConfigureAwait(false);
                var match = record is not null && record.Session.IsValidAt(lookup.Now) ? record.Match(lookup.Digest, lookup.Now) : SessionDigestMatch.None;
                if (match == SessionDigestMatch.None)
                {
                    return null;
                }

                // Mirrors SessionExpiry.Touch step by step: no write unless IsWriteDue; then LastSeenAt = now and
                // ExpiresAt = SessionExpiry.Slide(...), written only if the row still holds what was read (same version,
                // last seen and expiry). A lost race re-reads: a concurrent slide, rotation or deletion is never undone.
                // The previous token in its grace period never slides (SessionDigestMatch.Previous).
                var session = match == SessionDigestMatch.Current ? SessionExpiry.Touch(record!.Session, lookup) : record!.Session;
                if (ReferenceEquals(session, record.Session))
                {
                    return record;
                }

                var old = record.Session;
                var oldLastSeen = SessionRowCodec.ToColumn(old.LastSeenAt);
                var oldExpires = SessionRowCodec.ToColumn(old.ExpiresAt);
                var newLastSeen = SessionRowCodec.ToColumn(session.LastSeenAt);
                var newExpires = SessionRowCodec.ToColumn(session.ExpiresAt);
                var written = await Rows(context, lookup.Kind)
                    .Where(r => r.Kind == lookup.Kind && r.Id == lookup.Id && r.Version == version && r.LastSeenAt == oldLastSeen && r.ExpiresAt == oldExpires)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastSeenAt, newLastSeen).SetProperty(r => r.ExpiresAt, newExpires), ct)
                    .ConfigureAwait(false);
                if (written == 1)
                {
                    return record with { Session = session };
                }
            }

            Log.Contended(_logger, lookup.Id, MaxAttempts);
            throw new SessionStoreUnavailableException($"Session {lookup.Id} kept changing under the slide; try again.");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lookup as one statement on the lookup data source (<see cref="SessionLookupStatements"/>), below EF Core.</summary>
    private async ValueTask<SessionRecord?> FindAndSlideBelowEfCoreAsync(SessionLookupStatements lookups, SessionLookup lookup, CancellationToken cancellationToken)
    {
        try
        {
            var row = await lookups.FindAndSlideAsync(Tables.For(lookup.Kind), lookup, cancellationToken).ConfigureAwait(false);
            // The statement slid the row only if it was valid, due and its current digest matched; the decision is still
            // made here, from the row as it came back, in constant time, by SessionRecord.Match (the previous digest in its
            // grace period is accepted unslid; a damaged row is refused and logged by Decode).
            return row is not null && Decode(row) is { } record && record.Session.IsValidAt(lookup.Now) && record.Match(lookup.Digest, lookup.Now) != SessionDigestMatch.None
                ? record
                : null;
        }
        catch (Exception e) when (e is not SessionStoreUnavailableException && DatabaseFailures.IsOutage(e, cancellationToken))
        {
            throw Unavailable(nameof(FindAndSlideAsync), e);
        }
    }

    public async ValueTask<SessionRecord?> UpdateAsync(string kind, string id, SessionPatch patch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!SessionIds.IsWellFormed(id))
        {
            return null;
        }

        return await RunAsync(nameof(UpdateAsync), async (context, ct) =>
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                var (record, version) = await ReadAsync(context, kind, id, ct).ConfigureAwait(false);
                if (record is null || !record.Session.IsValidAt(now) || !patch.Holds(record.Session))
                {
                    return null;
                }

                // SessionPatch.ApplyTo decides the new values; the UPDATE writes only the fields the patch names, and
                // compares-and-swaps on the version (and on last seen/expiry when it writes those, since slides do not bump it); the
                // precondition (SessionPatch.Holds) is checked on the version read, so it still holds when the UPDATE matches.
                var patched = patch.ApplyTo(record);
                if (await WritePatchAsync(context, record, version, patch, patched, ct).ConfigureAwait(false))
                {
                    return patched;
                }
            }

            Log.Contended(_logger, id, MaxAttempts);
            throw new SessionStoreUnavailableException($"Session {id} kept changing under the update; try again.");
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        return await RunAsync(nameof(DeleteAsync), async (context, ct) =>
            await Rows(context, kind).Where(r => r.Kind == kind && r.Id == id).ExecuteDeleteAsync(ct).ConfigureAwait(false) > 0,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A user's page: their rows by the (kind, user id) index, sorted in the app (O(k log k)). A kind-wide page: one
    /// keyset statement on the (kind, created-at, id) index, <c>WHERE CreatedAt &gt;= @c AND (CreatedAt &gt; @c OR Id &gt; @id)
    /// ORDER BY CreatedAt, Id LIMIT n</c> (the first conjunct is the index range; ties order by the database's collation
    /// of the id, the same in the WHERE and the ORDER BY), O(log n + limit); a metadata field that is not a column is
    /// matched in the app over at most max(4 × limit, 100) rows.
    /// </summary>
    public async ValueTask<SessionPage<SessionRecord>> QueryAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = SessionCursor.Read(Name, query);
        return await RunAsync(nameof(QueryAsync), async (context, ct) =>
        {
            if (query.UserId is not null)
            {
                return SessionCursor.Page(Name, query, await LoadAsync(context, query, ct).ConfigureAwait(false));
            }

            var rows = Filter(context, query, out var inApp);
            if (after is { } position)
            {
                var createdAt = SessionRowCodec.ToColumn(position.CreatedAt);
                var id = position.Id;
                rows = rows.Where(r => r.CreatedAt >= createdAt && (r.CreatedAt > createdAt || string.Compare(r.Id, id) > 0));
            }

            var examine = inApp ? Math.Max(4 * query.Limit, 100) : query.Limit;
            var found = await rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(examine + 1).AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
            var items = new List<SessionRecord>();
            SessionPosition? last = null;
            var examined = 0;
            for (; examined < Math.Min(found.Count, examine) && items.Count < query.Limit; examined++)
            {
                var row = found[examined];
                last = new SessionPosition(SessionRowCodec.FromColumn(row.CreatedAt), row.Id);
                if (Decode(row) is { } record && (!inApp || query.Matches(record.Session)))
                {
                    items.Add(record);
                }
            }

            return new SessionPage<SessionRecord>(items, examined < found.Count && last is { } at ? SessionCursor.Issue(Name, query, at) : null);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long> CountAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync(nameof(CountAsync), async (context, ct) => Filter(context, query, out var inApp) is var rows && !inApp
            ? await rows.LongCountAsync(ct).ConfigureAwait(false)
            : (await LoadAsync(context, query, ct).ConfigureAwait(false)).Count, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long> DeleteManyAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await RunAsync<long>(nameof(DeleteManyAsync), async (context, ct) =>
        {
            var rows = Filter(context, query, out var inApp);
            if (!inApp)
            {
                return await rows.ExecuteDeleteAsync(ct).ConfigureAwait(false);
            }

            // A metadata field that is not a column: the app picks the ids, one set-based DELETE removes exactly those.
            var ids = (await LoadAsync(context, query, ct).ConfigureAwait(false)).Select(r => r.Session.Id).ToList();
            var kind = query.Kind;
            return ids.Count == 0 ? 0 : await Rows(context, kind).Where(r => r.Kind == kind && ids.Contains(r.Id))
                .ExecuteDeleteAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One cheap read of every session table, so a table that is missing (migrations not applied) fails the health check too.</summary>
    public async ValueTask PingAsync(CancellationToken cancellationToken) =>
        await RunAsync(nameof(PingAsync), async (context, ct) =>
        {
            foreach (var table in Tables.Tables)
            {
                await context.Set<SessionRow>(table.EntityName).AnyAsync(ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes up to <paramref name="batchSize"/> sessions of <paramref name="table"/> expired at <paramref name="now"/>, in one statement.</summary>
    public async Task<int> PruneBatchAsync(SessionTable table, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var cutoff = SessionRowCodec.ToColumn(now);
        return await RunAsync("Prune", (context, ct) => context.Set<SessionRow>(table.EntityName).Where(r => r.ExpiresAt <= cutoff)
            .OrderBy(r => r.ExpiresAt).Take(batchSize)
            .ExecuteDeleteAsync(ct), cancellationToken).ConfigureAwait(false);
    }

    private DbSet<SessionRow> Rows(TContext context, string kind) => context.Set<SessionRow>(Tables.For(kind).EntityName);

    /// <summary>The one round trip of a read: the compiled primary-key query, then decoding (a damaged row is refused and logged).</summary>
    private async Task<(SessionRecord? Record, long Version)> ReadAsync(TContext context, string kind, string id, CancellationToken cancellationToken)
    {
        var row = await _find[Tables.For(kind).EntityName](context, kind, id, cancellationToken).ConfigureAwait(false);
        return row is null ? (null, 0) : (Decode(row), row.Version);
    }

    private SessionRecord? Decode(SessionRow row)
    {
        if (SessionRowCodec.TryDecode(row, out var record, out var problem))
        {
            return record;
        }

        Log.RowRefused(_logger, row.Id, row.Kind, problem);
        return null;
    }

    private async Task<List<SessionRecord>> LoadAsync(TContext context, SessionQuery query, CancellationToken cancellationToken)
    {
        var rows = await Filter(context, query, out var inApp).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var found = new List<SessionRecord>(rows.Count);
        foreach (var row in rows)
        {
            if (Decode(row) is { } record && (!inApp || query.Matches(record.Session)))
            {
                found.Add(record);
            }
        }

        return found;
    }

    /// <summary>
    /// The query in SQL: kind, user (the (kind, user id) index), status, exclusion, promoted metadata columns.
    /// <paramref name="inApp"/> tells that some metadata field is not a column, so rows must still pass <see cref="SessionQuery.Matches"/>.
    /// </summary>
    private IQueryable<SessionRow> Filter(TContext context, SessionQuery query, out bool inApp)
    {
        var table = Tables.For(query.Kind);
        var kind = query.Kind;
        IQueryable<SessionRow> rows = context.Set<SessionRow>(table.EntityName).Where(r => r.Kind == kind);
        if (query.UserId is { } userId)
        {
            rows = rows.Where(r => r.UserId == userId);
        }

        var now = SessionRowCodec.ToColumn(query.Now);
        rows = query.Status switch
        {
            SessionStatus.Valid => rows.Where(r => r.ExpiresAt > now),
            SessionStatus.Expired => rows.Where(r => r.ExpiresAt <= now),
            _ => rows,
        };
        if (query.ExceptSessionId is { } except)
        {
            rows = rows.Where(r => r.Id != except);
        }

        inApp = false;
        foreach (var (key, value) in query.Metadata ?? NoMetadata)
        {
            if (table.Promoted.TryGetValue(key, out var column) && value.Length <= column.MaxLength)
            {
                var property = SessionModelAnnotations.PromotedProperty(key);
                rows = rows.Where(r => EF.Property<string?>(r, property) == value);
            }
            else
            {
                inApp = true;
            }
        }

        return rows;
    }

    private async Task InsertAsync(TContext context, SessionRecord record, CancellationToken cancellationToken)
    {
        var table = Tables.For(record.Session.Kind);
        var entry = context.Set<SessionRow>(table.EntityName).Add(SessionRowCodec.ToRow(record, version: 1));
        foreach (var (key, column) in table.Promoted)
        {
            entry.Property(SessionModelAnnotations.PromotedProperty(key)).CurrentValue = PromotedValue(record.Session.Metadata, column);
        }

        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        context.ChangeTracker.Clear();
    }

    private async Task<bool> WritePatchAsync(TContext context, SessionRecord before, long version, SessionPatch patch, SessionRecord after, CancellationToken cancellationToken)
    {
        var table = Tables.For(before.Session.Kind);
        var (kind, id) = (before.Session.Kind, before.Session.Id);
        var rows = context.Set<SessionRow>(table.EntityName).Where(r => r.Kind == kind && r.Id == id && r.Version == version);
        if (patch.ExpiresAt is not null || patch.LastSeenAt is not null)
        {
            var oldLastSeen = SessionRowCodec.ToColumn(before.Session.LastSeenAt);
            var oldExpires = SessionRowCodec.ToColumn(before.Session.ExpiresAt);
            rows = rows.Where(r => r.LastSeenAt == oldLastSeen && r.ExpiresAt == oldExpires);
        }

        var s = after.Session;
        var written = await rows.ExecuteUpdateAsync(setters =>
        {
            setters.SetProperty(r => r.Version, version + 1);
            if (patch.Digest is not null)
            {
                // The replaced digest kept for a DBSC grace period, or dropped (SessionPatch.ApplyTo decided).
                setters.SetProperty(r => r.Digest, after.Digest);
                var (previous, acceptedUntil) = SessionRowCodec.PreviousDigestColumns(after.PreviousDigest);
                setters.SetProperty(r => r.PreviousDigest, previous);
                setters.SetProperty(r => r.PreviousDigestAcceptedUntil, acceptedUntil);
            }

            if (patch.ExpiresAt is not null)
            {
                setters.SetProperty(r => r.ExpiresAt, SessionRowCodec.ToColumn(s.ExpiresAt));
            }

            if (patch.LastSeenAt is not null)
            {
                setters.SetProperty(r => r.LastSeenAt, SessionRowCodec.ToColumn(s.LastSeenAt));
            }

            if (patch.Claims is not null)
            {
                setters.SetProperty(r => r.Claims, SessionJson.WriteClaims(s.Claims));
            }

            if (patch.Data is not null)
            {
                setters.SetProperty(r => r.Data, SessionJson.WriteMap(s.Data));
            }

            if (patch.Metadata is not null)
            {
                setters.SetProperty(r => r.Metadata, SessionJson.WriteMap(s.Metadata));
                SetPromoted(setters, table, s.Metadata);
            }

            if (patch.AuthenticatedAt is not null)
            {
                setters.SetProperty(r => r.AuthenticatedAt, SessionRowCodec.ToColumn(s.AuthenticatedAt));
            }

            if (patch.AuthenticationItems is not null)
            {
                setters.SetProperty(r => r.AuthenticationItems, SessionRowCodec.ItemsColumn(s.AuthenticationItems));
            }

            if (patch.DeviceKey is not null)
            {
                setters.SetProperty(r => r.DeviceKey, SessionRowCodec.DeviceKeyColumn(s.DeviceKey));
            }

            if (patch.DeviceChallenge is not null)
            {
                setters.SetProperty(r => r.DeviceChallenge, s.DeviceChallenge);
            }
        }, cancellationToken).ConfigureAwait(false);
        return written == 1;
    }

    private static void SetPromoted(UpdateSettersBuilder<SessionRow> setters, SessionTable table, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, column) in table.Promoted)
        {
            var property = SessionModelAnnotations.PromotedProperty(key);
            setters.SetProperty(r => EF.Property<string?>(r, property), PromotedValue(metadata, column));
        }
    }

    /// <summary>A promoted column's value: the metadata field, or null when absent or too long for the column (then filtered in the app).</summary>
    private static string? PromotedValue(IReadOnlyDictionary<string, string> metadata, SessionMetadataColumn column) =>
        metadata.TryGetValue(column.Key, out var value) && value.Length <= column.MaxLength ? value : null;

    /// <summary>
    /// The hot-path query for one table, compiled once: by primary key, no tracking. The table's entity name is put into
    /// the expression as a constant (a compiled query's root cannot be a parameter).
    /// </summary>
    private static Func<TContext, string, string, CancellationToken, Task<SessionRow?>> CompileFind(string entityName)
    {
        Expression<Func<TContext, string, string, CancellationToken, SessionRow?>> template = (c, kind, id, ct) =>
            c.Set<SessionRow>(EntityNamePlaceholder).AsNoTracking().FirstOrDefault(r => r.Kind == kind && r.Id == id);
        var query = (Expression<Func<TContext, string, string, CancellationToken, SessionRow?>>)new PlaceholderRewriter(entityName).Visit(template);
        return EF.CompileAsyncQuery(query)!;
    }

    /// <summary>
    /// Every store call goes through here: a context rented for the call, and any failure that means the database cannot
    /// answer (<see cref="DatabaseFailures.IsOutage"/>) turned into <see cref="SessionStoreUnavailableException"/> (503).
    /// The outage itself is logged by the core, once when it begins and once when it ends; a configuration mistake (no
    /// such table or database) is described with its fix and logged here at Error, once.
    /// </summary>
    private async Task<T> RunAsync<T>(string operation, Func<TContext, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            using var lease = _rent();
            return await call(lease.Context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not SessionStoreUnavailableException && DatabaseFailures.IsOutage(e, cancellationToken))
        {
            throw Unavailable(operation, e);
        }
    }

    private SessionStoreUnavailableException Unavailable(string operation, Exception e)
    {
        if (DatabaseFailures.Misconfiguration(e, Tables, Connection) is { } problem)
        {
            if (Interlocked.Exchange(ref _misconfigurationLogged, 1) == 0)
            {
                Log.DatabaseMisconfigured(_logger, problem);
            }

            return new SessionStoreUnavailableException(problem, e);
        }

        return new SessionStoreUnavailableException($"The session database did not answer ({operation}): {DatabaseFailures.Reason(e)}", e);
    }

    /// <summary>The database and server (or file) the context connects to, to name them in a configuration error.</summary>
    private (string Database, string DataSource) Connection()
    {
        using var lease = _rent();
        var connection = lease.Context.Database.GetDbConnection();
        return (connection.Database, connection.DataSource);
    }

    private sealed class PlaceholderRewriter(string entityName) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Member.Name == nameof(EntityNamePlaceholder) && node.Member.DeclaringType == typeof(EntityFrameworkCoreSessionStore<TContext>)
                ? Expression.Constant(entityName)
                : base.VisitMember(node);
    }
}
