using System.Data;
using System.Data.Common;
using System.Reflection;
using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The store's per-request call below EF Core, on the data source <see cref="EntityFrameworkCoreSessionStoreOptions.LookupDataSource"/>
/// gives it: one statement per lookup, which slides the row when a write is due and returns it either way. Table and
/// column names come from the EF Core model (the user's tables, schema and naming conventions), quoted by the provider's
/// own <see cref="ISqlGenerationHelper"/>; parameters are made by the model's type mappings, as EF Core makes its own;
/// the columns read are the <see cref="SessionRow"/> properties the model maps, and the store decodes them with
/// <see cref="SessionRowCodec"/>, deciding validity and the digest in the app as on the EF Core path.
/// </summary>
/// <remarks>
/// <para>The SQL is PostgreSQL's (<see cref="Provider"/>: a data-modifying CTE); on any other provider the store stays on
/// EF Core, whatever the option says. SQLite has <c>UPDATE … RETURNING</c> but not inside a CTE, so its lookup would be
/// two statements, which the compiled EF Core query and compare-and-swap already are.</para>
/// <para>The statement mirrors <see cref="SessionExpiry.Touch"/> step by step, and the contract suites hold it to the same
/// cases (<c>SessionExpiryContract</c>, <c>SessionStoreContract</c>, <c>SessionRaceContract</c> on PostgreSQL):
/// the UPDATE writes only a valid row (<see cref="Session.IsValidAt"/>: expiry after now) whose digest matches and
/// whose write is due (<see cref="SessionExpiry.IsWriteDue"/>: last seen at or before now − granularity, passed as one
/// instant); it sets last seen to now and the expiry to <see cref="SessionExpiry.Slide"/> (unchanged without a slide
/// target, else the target capped by the absolute expiry, never earlier than the current expiry: <c>GREATEST</c>).
/// It is the compare-and-swap of the EF Core path in one statement: PostgreSQL re-checks the WHERE clause on the
/// newest version of a row a concurrent transaction changed, so a concurrent slide, rotation or deletion is never
/// undone, and nothing is read and then written. When it writes nothing, the second branch returns the row as the
/// statement's snapshot saw it. The digest comparison in SQL only decides whether to write (digests are SHA-256/HMAC
/// outputs an attacker cannot steer, as in the Redis script); the store still compares in constant time. It mirrors
/// <see cref="SessionRecord.Match"/>: only the current digest slides (<c>{digest} = $3</c>); the previous digest of a DBSC
/// grace period is accepted unslid (<see cref="SessionDigestMatch.Previous"/>), so the row comes back through the second
/// branch and the store applies the rule, grace end included, to it.</para>
/// </remarks>
internal sealed class SessionLookupStatements
{
    /// <summary>The one provider whose lookup SQL this class writes.</summary>
    public const string Provider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    private readonly DbDataSource _dataSource;
    private readonly Dictionary<string, Statement> _statements;

    private SessionLookupStatements(DbDataSource dataSource, Dictionary<string, Statement> statements)
    {
        _dataSource = dataSource;
        _statements = statements;
    }

    /// <summary>
    /// The lookups of <paramref name="tables"/> below EF Core, or <see langword="null"/> to stay on EF Core: another
    /// provider, no <paramref name="dataSources"/> or none for this context, or a mapped column with a value converter.
    /// </summary>
    public static SessionLookupStatements? For(DbContext context, SessionTableMap tables, Func<DbContext, DbDataSource?>? dataSources)
    {
        if (dataSources is null || !string.Equals(context.Database.ProviderName, Provider, StringComparison.Ordinal))
        {
            return null;
        }

        var statements = new Dictionary<string, Statement>(StringComparer.Ordinal);
        var sql = context.GetService<ISqlGenerationHelper>();
        foreach (var table in tables.Tables)
        {
            if (Statement.For(context.Model.FindEntityType(table.EntityName)!, sql) is not { } statement)
            {
                return null;
            }

            statements[table.EntityName] = statement;
        }

        return dataSources(context) is { } dataSource ? new SessionLookupStatements(dataSource, statements) : null;
    }

    /// <summary>The row of <paramref name="lookup"/> in <paramref name="table"/> after its touch, or <see langword="null"/> when there is none.</summary>
    public async Task<SessionRow?> FindAndSlideAsync(SessionTable table, SessionLookup lookup, CancellationToken cancellationToken)
    {
        var statement = _statements[table.EntityName];
        var command = _dataSource.CreateCommand(statement.Sql);
        await using (command.ConfigureAwait(false))
        {
            statement.AddParameters(command, lookup);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? statement.Read(reader) : null;
            }
        }
    }

    /// <summary>The statement of one table, its parameters' type mappings, and how its columns fill a <see cref="SessionRow"/>.</summary>
    private sealed class Statement(string sql, RelationalTypeMapping text, RelationalTypeMapping id, RelationalTypeMapping digest, RelationalTypeMapping instant,
        Action<SessionRow, DbDataReader, int>[] setters)
    {
        public string Sql { get; } = sql;

        /// <summary>$1 kind, $2 id, $3 digest, $4 now, $5 the instant a write is due at or before, $6 the slide target (null: the kind does not slide).</summary>
        public void AddParameters(DbCommand command, SessionLookup lookup)
        {
            var parameters = command.Parameters;
            parameters.Add(text.CreateParameter(command, "", lookup.Kind, nullable: false));
            parameters.Add(id.CreateParameter(command, "", lookup.Id, nullable: false));
            parameters.Add(digest.CreateParameter(command, "", lookup.Digest, nullable: false));
            parameters.Add(instant.CreateParameter(command, "", SessionRowCodec.ToColumn(lookup.Now), nullable: false));
            parameters.Add(instant.CreateParameter(command, "", DueAtOrBefore(lookup), nullable: false));
            parameters.Add(instant.CreateParameter(command, "", lookup.SlideTo is { } slideTo ? SessionRowCodec.ToColumn(slideTo) : null, nullable: true));
        }

        public SessionRow Read(DbDataReader reader)
        {
            var row = new SessionRow();
            for (var i = 0; i < setters.Length; i++)
            {
                setters[i](row, reader, i);
            }

            return row;
        }

        /// <summary>The statement, or <see langword="null"/> when a mapped column needs a value converter (the EF Core path handles those).</summary>
        public static Statement? For(IEntityType entity, ISqlGenerationHelper sql)
        {
            var mapped = entity.GetProperties().Where(static p => p.PropertyInfo is not null).ToList();
            if (mapped.Any(static p => p.GetRelationalTypeMapping().Converter is not null))
            {
                return null;
            }

            IProperty Property(string name) => entity.FindProperty(name)!;
            string Column(string property) => sql.DelimitIdentifier(Property(property).GetColumnName());
            var columns = string.Join(", ", mapped.Select(p => sql.DelimitIdentifier(p.GetColumnName())));
            var (kind, id, digest) = (Column(nameof(SessionRow.Kind)), Column(nameof(SessionRow.Id)), Column(nameof(SessionRow.Digest)));
            var (lastSeen, expires, absolute) = (Column(nameof(SessionRow.LastSeenAt)), Column(nameof(SessionRow.ExpiresAt)), Column(nameof(SessionRow.AbsoluteExpiresAt)));
            var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
            var text = $"""
                WITH slid AS (
                  UPDATE {table} SET {lastSeen} = $4,
                    {expires} = CASE WHEN $6 IS NULL THEN {expires} ELSE GREATEST({expires}, LEAST($6, {absolute})) END
                  WHERE {kind} = $1 AND {id} = $2 AND {digest} = $3 AND {expires} > $4 AND {lastSeen} <= $5
                  RETURNING {columns})
                SELECT {columns} FROM slid
                UNION ALL
                SELECT {columns} FROM {table} WHERE {kind} = $1 AND {id} = $2 AND NOT EXISTS (SELECT FROM slid)
                """;
            return new Statement(text, Property(nameof(SessionRow.Kind)).GetRelationalTypeMapping(), Property(nameof(SessionRow.Id)).GetRelationalTypeMapping(),
                Property(nameof(SessionRow.Digest)).GetRelationalTypeMapping(), Property(nameof(SessionRow.ExpiresAt)).GetRelationalTypeMapping(),
                [.. mapped.Select(static p => Setter(p.PropertyInfo!))]);
        }

        /// <summary><see cref="SessionExpiry.IsWriteDue"/> as one instant: a write is due when last seen is at or before it.</summary>
        private static DateTime DueAtOrBefore(SessionLookup lookup) =>
            lookup.Now - DateTimeOffset.MinValue < lookup.SlidingGranularity ? DateTime.MinValue : SessionRowCodec.ToColumn(lookup.Now - lookup.SlidingGranularity);

        private static Action<SessionRow, DbDataReader, int> Setter(PropertyInfo property)
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType);
            var method = typeof(Statement).GetMethod(type is null ? nameof(SetterOf) : nameof(NullableSetterOf), BindingFlags.NonPublic | BindingFlags.Static)!;
            return (Action<SessionRow, DbDataReader, int>)method.MakeGenericMethod(type ?? property.PropertyType).Invoke(null, [property])!;
        }

        private static Action<SessionRow, DbDataReader, int> SetterOf<T>(PropertyInfo property)
        {
            var set = property.SetMethod!.CreateDelegate<Action<SessionRow, T>>();
            return (row, reader, i) => set(row, reader.IsDBNull(i) ? default! : reader.GetFieldValue<T>(i));
        }

        private static Action<SessionRow, DbDataReader, int> NullableSetterOf<T>(PropertyInfo property)
            where T : struct
        {
            var set = property.SetMethod!.CreateDelegate<Action<SessionRow, T?>>();
            return (row, reader, i) => set(row, reader.IsDBNull(i) ? null : reader.GetFieldValue<T>(i));
        }
    }
}
