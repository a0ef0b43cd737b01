using System.Data.Common;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// Which exceptions mean "the database cannot answer now" (→ 503): anything from the ADO.NET provider (connection
/// refused or reset, failover, timeout, pool exhausted, SQLite busy/locked; <c>NpgsqlException</c>, <c>SqliteException</c>
/// and <c>SqlException</c> are all <see cref="DbException"/>s), EF's wrappers of them (<see cref="DbUpdateException"/>,
/// <see cref="RetryLimitExceededException"/>, the "transient failure" <see cref="InvalidOperationException"/>), socket and
/// timeout errors. Nobody is authenticated on any of them, and none becomes a 500.
/// </summary>
internal static class DatabaseFailures
{
    public static bool IsOutage(Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or DbUpdateException or RetryLimitExceededException or SocketException or TimeoutException or IOException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The failure described with its fix when it is the app's configuration rather than an outage: the session table is
    /// missing (migrations not applied: PostgreSQL 42P01, SQL Server 208, SQLite "no such table") or the database is
    /// (PostgreSQL 3D000, SQL Server 4060, a SQLite file that cannot be opened); otherwise null. Either still answers 503:
    /// applying the migrations or creating the database fixes it without a restart.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <param name="tables">The model's session tables, to name them.</param>
    /// <param name="connection">The database and its server or file, read only when they are named.</param>
    public static string? Misconfiguration(Exception exception, SessionTableMap tables, Func<(string Database, string DataSource)> connection)
    {
        var db = Find<DbException>(exception);
        if (db is null)
        {
            return null;
        }

        var sqlServer = db.GetType().Name == "SqlException" ? Code(db, "Number") : null;
        var sqlite = db.GetType().Name == "SqliteException" ? Code(db, "SqliteErrorCode") : null;
        if (db.SqlState == "42P01" || sqlServer == 208 || (sqlite == 1 && db.Message.Contains("no such table", StringComparison.Ordinal)))
        {
            var names = string.Join(", ", tables.Tables.Select(static t => t.Columns.Schema is { } schema ? $"\"{schema}\".\"{t.Columns.Table}\"" : $"\"{t.Columns.Table}\""));
            return $"the session table ({names}) does not exist in the database: the migrations that create it are not applied. Apply the migrations: dotnet ef database update (or context.Database.Migrate() at startup).";
        }

        if (db.SqlState == "3D000" || sqlServer == 4060)
        {
            var (database, dataSource) = connection();
            return $"the database '{database}' does not exist on {dataSource}: check the database name in the connection string, or create it with the tables: dotnet ef database update.";
        }

        if (sqlite == CantOpen)
        {
            var (_, file) = connection();
            return $"the SQLite database file '{file}' cannot be opened: it does not exist (Mode=ReadOnly or ReadWrite never creates it) or its folder is missing or not writable. Check Data Source and Mode in the connection string, or create it with the tables: dotnet ef database update.";
        }

        return null;
    }

    /// <summary>What went wrong, for the outage's log line: the provider's own message (it names no password), first line only.</summary>
    public static string Reason(Exception exception)
    {
        var cause = (Exception?)Find<DbException>(exception) ?? Find<SocketException>(exception) ?? exception.GetBaseException();
        var message = cause.Message;
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private const int CantOpen = 14; // SQLITE_CANTOPEN

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>A provider's error number, read by name: this package references no provider.</summary>
    private static int? Code(DbException exception, string property) => exception.GetType().GetProperty(property)?.GetValue(exception) as int?;
}
