using System.Reflection;
using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// The EF Core store's per-request call on PostgreSQL, below EF Core: one statement per lookup on a data source of its
/// own (<see cref="PostgreSqlSessionRowFinderSource"/>: no pool reset, auto-prepared), which slides the row when a
/// write is due and returns it either way. Table and column names come from the EF Core model (the user's tables,
/// schema and naming conventions); the columns read are the <see cref="SessionRow"/> properties the model maps, and the
/// store decodes them with <see cref="SessionRowCodec"/>.
/// </summary>
/// <remarks>
/// The statement mirrors <see cref="SessionExpiry.Touch"/> step by step, and the contract suites hold it to the same
/// cases (<c>SessionExpiryContract</c>, <c>SessionStoreContract</c>, <c>SessionRaceContract</c> on PostgreSQL):
/// the UPDATE writes only a valid row (<see cref="Session.IsValidAt"/>: expiry after now) whose digest matches and
/// whose write is due (<see cref="SessionExpiry.IsWriteDue"/>: last seen at or before now − granularity, passed as one
/// instant); it sets last seen to now and the expiry to <see cref="SessionExpiry.Slide"/> (unchanged without a slide
/// target, else the target capped by the absolute expiry, never earlier than the current expiry: <c>GREATEST</c>).
/// It is the compare-and-swap of the EF Core path in one statement: PostgreSQL re-checks the WHERE clause on the
/// newest version of a row a concurrent transaction changed, so a concurrent slide, rotation or deletion is never
/// undone, and nothing is read and then written. When it writes nothing, the second branch returns the row as the
/// statement's snapshot saw it. The digest comparison in SQL only decides whether to write (digests are SHA-256/HMAC
/// outputs an attacker cannot steer, as in the Redis script); the store still compares in constant time.
/// </remarks>
internal sealed class PostgreSqlSessionRowFinder : ISessionRowFinder
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly Dictionary<string, Statement> _statements = new(StringComparer.Ordinal);

    public PostgreSqlSessionRowFinder(NpgsqlDataSource dataSource, IModel model, SessionTableMap tables)
    {
        _dataSource = dataSource;
        foreach (var table in tables.Tables)
        {
            _statements[table.EntityName] = Statement.For(model.FindEntityType(table.EntityName)!, table.Columns);
        }
    }

    public async Task<SessionRow?> FindAndSlideAsync(SessionTable table, SessionLookup lookup, CancellationToken cancellationToken)
    {
        var statement = _statements[table.EntityName];
        var now = SessionRowCodec.ToColumn(lookup.Now);
        var command = _dataSource.CreateCommand(statement.Sql);
        await using (command.ConfigureAwait(false))
        {
            var parameters = command.Parameters;
            parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = lookup.Kind });
            parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Text, TypedValue = lookup.Id });
            parameters.Add(new NpgsqlParameter<byte[]> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = lookup.Digest });
            parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = now });
            parameters.Add(new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = DueAtOrBefore(lookup) });
            parameters.Add(lookup.SlideTo is { } slideTo
                ? new NpgsqlParameter<DateTime> { NpgsqlDbType = NpgsqlDbType.TimestampTz, TypedValue = SessionRowCodec.ToColumn(slideTo) }
                : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = DBNull.Value });
            var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? statement.Read(reader) : null;
            }
        }
    }

    /// <summary><see cref="SessionExpiry.IsWriteDue"/> as one instant: a write is due when last seen is at or before it.</summary>
    private static DateTime DueAtOrBefore(SessionLookup lookup) =>
        lookup.Now - DateTimeOffset.MinValue < lookup.SlidingGranularity ? DateTime.MinValue : SessionRowCodec.ToColumn(lookup.Now - lookup.SlidingGranularity);

    /// <summary>The statement of one table, and how its columns fill a <see cref="SessionRow"/>.</summary>
    private sealed class Statement(string sql, Action<SessionRow, NpgsqlDataReader, int>[] setters)
    {
        public string Sql { get; } = sql;

        public SessionRow Read(NpgsqlDataReader reader)
        {
            var row = new SessionRow();
            for (var i = 0; i < setters.Length; i++)
            {
                setters[i](row, reader, i);
            }

            return row;
        }

        /// <summary>
        /// Parameters: $1 kind, $2 id, $3 digest, $4 now, $5 the instant a write is due at or before, $6 the slide
        /// target (null: the kind does not slide).
        /// </summary>
        public static Statement For(IEntityType entity, SessionTableLocation location)
        {
            var mapped = entity.GetProperties().Where(static p => p.PropertyInfo is not null).ToList();
            string Column(string property) => PostgreSqlChangeNotifications.Identifier(entity.FindProperty(property)!.GetColumnName());
            var columns = string.Join(", ", mapped.Select(static p => PostgreSqlChangeNotifications.Identifier(p.GetColumnName())));
            var (kind, id, digest) = (Column(nameof(SessionRow.Kind)), Column(nameof(SessionRow.Id)), Column(nameof(SessionRow.Digest)));
            var (lastSeen, expires, absolute) = (Column(nameof(SessionRow.LastSeenAt)), Column(nameof(SessionRow.ExpiresAt)), Column(nameof(SessionRow.AbsoluteExpiresAt)));
            var table = PostgreSqlChangeNotifications.QualifiedTable(location);
            var sql = $"""
                WITH slid AS (
                  UPDATE {table} SET {lastSeen} = $4,
                    {expires} = CASE WHEN $6 IS NULL THEN {expires} ELSE GREATEST({expires}, LEAST($6, {absolute})) END
                  WHERE {kind} = $1 AND {id} = $2 AND {digest} = $3 AND {expires} > $4 AND {lastSeen} <= $5
                  RETURNING {columns})
                SELECT {columns} FROM slid
                UNION ALL
                SELECT {columns} FROM {table} WHERE {kind} = $1 AND {id} = $2 AND NOT EXISTS (SELECT FROM slid)
                """;
            return new Statement(sql, [.. mapped.Select(static p => Setter(p.PropertyInfo!))]);
        }

        private static Action<SessionRow, NpgsqlDataReader, int> Setter(PropertyInfo property)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType);
            var method = typeof(Statement).GetMethod(type is null ? nameof(SetterOf) : nameof(NullableSetterOf), BindingFlags.NonPublic | BindingFlags.Static)!;
            return (Action<SessionRow, NpgsqlDataReader, int>)method.MakeGenericMethod(type ?? property.PropertyType).Invoke(null, [property])!;
        }

        private static Action<SessionRow, NpgsqlDataReader, int> SetterOf<T>(PropertyInfo property)
        {
            var set = property.SetMethod!.CreateDelegate<Action<SessionRow, T>>();
            return (row, reader, i) => set(row, reader.IsDBNull(i) ? default! : reader.GetFieldValue<T>(i));
        }

        private static Action<SessionRow, NpgsqlDataReader, int> NullableSetterOf<T>(PropertyInfo property)
            where T : struct
        {
            var set = property.SetMethod!.CreateDelegate<Action<SessionRow, T?>>();
            return (row, reader, i) => set(row, reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i));
        }
    }
}
