using AspNetSessions.EntityFrameworkCore.Tests.Http;
using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore.Tests.LiveConnections;

/// <summary>
/// Two instances of the sample on Kestrel over one real PostgreSQL database, near-cache off: a session ended through A
/// closes its raw WebSocket and SignalR connection on B within a second (by a real clock), through NOTIFY/LISTEN
/// (<see cref="LiveConnectionScenario"/>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLiveConnectionTests(PostgresServer server)
{
    [Fact]
    public Task A_sign_out_on_one_instance_closes_the_connections_on_the_other_within_a_second() =>
        RunAsync(LiveConnectionScenario.SignOutOnAClosesTheConnectionsOnBWithinASecondAsync);

    [Fact]
    public Task A_password_change_on_one_instance_closes_the_users_revoked_and_rotated_connections_on_the_other() =>
        RunAsync(LiveConnectionScenario.PasswordChangeOnAClosesTheUsersRevokedAndRotatedConnectionsOnBAsync);

    /// <summary>Two instances on a fresh database: runs <paramref name="scenario"/> with A's and B's addresses and B's listening.</summary>
    private async Task RunAsync(Func<Uri, Uri, Func<bool>, Task> scenario)
    {
        var connectionString = await server.CreateDatabaseAsync("live");
        using (var first = PostgresSampleApp.Create(connectionString))
        using (var second = PostgresSampleApp.Create(connectionString))
        {
            var a = first.StartOnKestrel();
            var b = second.StartOnKestrel();
            var connections = second.Services.GetRequiredService<SessionLiveConnections>();
            await scenario(a, b, () => connections.IsListening);
        }

        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        Npgsql.NpgsqlConnection.ClearPool(connection); // the two hosts' pool, back to the shared server
    }
}
