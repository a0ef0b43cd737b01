using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// SQL Server's numbers for a missing table (208) and a missing database (4060) are configuration errors, like PostgreSQL's
/// and SQLite's (tested on real servers in <see cref="ConfigurationErrorTests"/>); no SQL Server runs here, so its exception
/// is stood in for by one of the same name and shape (the package references no provider and reads the number by name).
/// </summary>
public sealed class DatabaseFailuresTests
{
    private static readonly SessionTableMap Tables = new([new SessionTable("Sessions", holdsAnyKind: true, [], new Dictionary<string, SessionMetadataColumn>(),
        new SessionTableLocation("auth", "Sessions", "Kind", "Id", "Version"))]);

    [Theory]
    [InlineData(208, "the session table (\"auth\".\"Sessions\") does not exist")]
    [InlineData(4060, "the database 'app' does not exist on sql.example")]
    public void A_sql_server_missing_table_or_database_is_a_configuration_error(int number, string expected)
    {
        var problem = DatabaseFailures.Misconfiguration(new DbUpdateException("failed", new SqlException(number)), Tables, () => ("app", "sql.example"));

        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        Assert.Contains("dotnet ef database update", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1205)] // deadlock victim
    [InlineData(-2)] // timeout
    public void Any_other_sql_server_error_is_an_outage(int number)
    {
        var failure = new SqlException(number);

        Assert.True(DatabaseFailures.IsOutage(failure, default));
        Assert.Null(DatabaseFailures.Misconfiguration(failure, Tables, () => throw new InvalidOperationException("not read")));
    }

    private sealed class SqlException(int number) : DbException("SQL Server error " + number)
    {
        public int Number { get; } = number;
    }
}
