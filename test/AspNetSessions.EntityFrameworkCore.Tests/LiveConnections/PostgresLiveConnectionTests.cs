using System.Net;
using System.Net.WebSockets;
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
        using var client = new HttpClient { BaseAddress = a };
        var connections = second.Services.GetRequiredService<SessionLiveConnections>();
        for (var trial = 0; trial < 5; trial++)
        {
            var login = await client.LoginAsync("alice");
            using var socket = await LiveSocket.ConnectAsync(b, "/api/live", login.Token);
            await Eventually.HoldsAsync(() => connections.IsListening);

            Assert.Equal(HttpStatusCode.NoContent, await client.StatusAsync(HttpMethod.Post, "/api/logout", login.Token));

            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(TimeSpan.FromSeconds(1)));
        }

        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection); // the two hosts' pool, back to the shared server
    }
}
