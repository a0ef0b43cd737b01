using AspNetSessions.EntityFrameworkCore.Tests.Http;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore.Tests.LiveConnections;

/// <summary>
/// Two instances of the sample on Kestrel over one real PostgreSQL database, near-cache off: a sign-out through A closes
/// the <c>/api/live</c> socket on B within a second (by a real clock), through NOTIFY/LISTEN. Both fake clocks stand
/// still, so no interval check can be what closes it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLiveConnectionTests(PostgresServer server)
{
    [Fact]
    public async Task A_sign_out_on_one_instance_closes_the_socket_on_the_other_within_a_second()
    {
        var connectionString = await server.CreateDatabaseAsync("live");
        using var first = PostgresSampleApp.Create(connectionString);
        using var second = PostgresSampleApp.Create(connectionString);
        var a = first.StartOnKestrel();
        var b = second.StartOnKestrel();
        var connections = second.Services.GetRequiredService<SessionLiveConnections>();
        await LiveConnectionScenario.SignOutOnAClosesTheSocketOnBWithinASecondAsync(a, b, () => connections.IsListening);

        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection); // the two hosts' pool, back to the shared server
    }
}
