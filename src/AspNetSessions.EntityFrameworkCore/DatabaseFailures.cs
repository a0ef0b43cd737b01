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
}
