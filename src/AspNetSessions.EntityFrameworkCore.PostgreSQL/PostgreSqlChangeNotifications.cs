using System.Globalization;
using System.Text;
using AspNetSessions.Stores;

namespace AspNetSessions.EntityFrameworkCore.PostgreSQL;

/// <summary>
/// The one home of the PostgreSQL change channel: its name, the message format on both sides (the trigger that sends
/// it, the listener that reads it) and the SQL that installs the triggers.
/// </summary>
/// <remarks>
/// <para>A trigger rather than a <c>NOTIFY</c> the store sends: it runs inside the statement that changes the row, so
/// the message is part of that transaction by construction (sent at commit, dropped on rollback) for every way a row
/// can change, the pruner's batches and an operator's manual <c>DELETE</c> included, and it costs no round trip.</para>
/// <para>What is announced: every <c>DELETE</c>, and every <c>UPDATE</c> that bumps the row's version (rotate, update,
/// replace). A slide writes last seen and expiry without bumping it and is not announced: another instance's cached
/// copy is then behind in the safe direction (it expires and falls due for a slide earlier, and then asks the store).</para>
/// <para>A message is <c>{session id}:{kind}</c> (ids never contain a colon); one per row, so revoke-all and prune
/// announce each session they end (PostgreSQL folds identical messages of one transaction into one).</para>
/// </remarks>
internal static class PostgreSqlChangeNotifications
{
    /// <summary>The channel every instance listens on.</summary>
    public const string Channel = "aspnetsessions_changes";

    /// <summary>The listener's <c>application_name</c>, so operators (and tests) can find it in <c>pg_stat_activity</c>.</summary>
    public const string ListenerApplicationName = "aspnetsessions-listener";

    /// <summary>The trigger function (versioned: a changed body gets a new name, never a silent redefinition).</summary>
    private const string Function = "aspnetsessions_changes_v1";

    private const string DeleteTrigger = "aspnetsessions_changes_delete";
    private const string UpdateTrigger = "aspnetsessions_changes_update";

    /// <summary>Serialises installs by several instances starting at once (a constant of this package).</summary>
    public const long InstallLock = 0x41534E5343484731;

    /// <summary>Reads a message; false when it does not parse (the listener then forgets everything rather than guess).</summary>
    public static bool TryDispatch(string payload, ISessionChangeListener listener)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == payload.Length - 1)
        {
            return false;
        }

        listener.SessionChanged(payload[(colon + 1)..], payload[..colon]);
        return true;
    }

    /// <summary>How many of the triggers of <paramref name="tables"/> exist (all are there when it is twice the tables).</summary>
    public static string CountTriggersSql(IReadOnlyList<SessionTableLocation> tables)
    {
        var names = string.Join(", ", tables.Select(t => Literal(QualifiedTable(t))));
        return $"SELECT count(*) FROM pg_trigger WHERE tgname IN ({Literal(DeleteTrigger)}, {Literal(UpdateTrigger)}) "
            + $"AND tgrelid IN (SELECT to_regclass(n) FROM unnest(ARRAY[{names}]::text[]) AS n)";
    }

    /// <summary>Creates (or replaces) the function and the two triggers of every table; idempotent, PostgreSQL 14+.</summary>
    public static string InstallSql(IReadOnlyList<SessionTableLocation> tables)
    {
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({InstallLock});\n");
        foreach (var schema in tables.Select(t => t.Schema).Distinct())
        {
            // The columns come as trigger arguments (naming conventions may rename them); to_jsonb reads them by name.
            sql.Append(CultureInfo.InvariantCulture, $"""
                CREATE OR REPLACE FUNCTION {Qualified(schema, Function)}() RETURNS trigger LANGUAGE plpgsql AS $fn$
                DECLARE r jsonb := to_jsonb(OLD);
                BEGIN
                  PERFORM pg_notify({Literal(Channel)}, (r ->> TG_ARGV[1]) || ':' || (r ->> TG_ARGV[0]));
                  RETURN NULL;
                END $fn$;

                """);
        }

        foreach (var table in tables)
        {
            var function = Qualified(table.Schema, Function);
            var arguments = $"{Literal(table.Kind)}, {Literal(table.Id)}";
            var version = Identifier(table.Version);
            sql.Append(CultureInfo.InvariantCulture, $"""
                CREATE OR REPLACE TRIGGER {DeleteTrigger} AFTER DELETE ON {QualifiedTable(table)}
                  FOR EACH ROW EXECUTE FUNCTION {function}({arguments});
                CREATE OR REPLACE TRIGGER {UpdateTrigger} AFTER UPDATE ON {QualifiedTable(table)}
                  FOR EACH ROW WHEN (OLD.{version} IS DISTINCT FROM NEW.{version}) EXECUTE FUNCTION {function}({arguments});

                """);
        }

        return sql.ToString();
    }

    private static string QualifiedTable(SessionTableLocation table) => Qualified(table.Schema, table.Table);

    private static string Qualified(string? schema, string name) => schema is null ? Identifier(name) : Identifier(schema) + "." + Identifier(name);

    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
