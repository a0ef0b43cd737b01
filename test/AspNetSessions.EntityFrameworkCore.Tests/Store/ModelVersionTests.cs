using AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.EntityFrameworkCore.Tests.Store;

/// <summary>
/// Model version 2 adds the sign-in state columns (AuthenticatedAt, AuthenticationItems); an app that pinned version 1
/// keeps its schema unchanged, its sessions work, and what that schema cannot keep is refused, never dropped silently.
/// </summary>
public sealed class ModelVersionTests : IAsyncLifetime
{
    private readonly SqliteConnection _keepAlive = new($"Data Source=model-{Guid.NewGuid():N};Mode=Memory;Cache=Shared");

    private string ConnectionString => _keepAlive.ConnectionString;

    public Task InitializeAsync() => _keepAlive.OpenAsync();

    public async Task DisposeAsync() => await _keepAlive.DisposeAsync();

    [Fact]
    public async Task Version_2_has_the_columns_and_version_1_does_not()
    {
        await using var latest = await StoreHost.StartAsync(db => db.UseSqlite(ConnectionString), createSchema: false);
        await using var pinned = await StoreHost.StartAsync(db => db.UseSqlite(ConnectionString), model => model.ModelVersion = 1, createSchema: false);

        Assert.Equal(2, SessionModelOptions.LatestModelVersion);
        Assert.NotNull(Entity(latest).FindProperty("AuthenticatedAt"));
        Assert.NotNull(Entity(latest).FindProperty("AuthenticationItems"));
        Assert.Null(Entity(pinned).FindProperty("AuthenticatedAt"));
        Assert.Null(Entity(pinned).FindProperty("AuthenticationItems"));
        Assert.NotNull(Entity(latest).FindProperty("Name"));
        Assert.NotNull(Entity(latest).FindProperty("Scopes"));
        Assert.Null(Entity(pinned).FindProperty("Name"));
        Assert.Null(Entity(pinned).FindProperty("Scopes"));
    }

    [Fact]
    public async Task A_version_1_schema_refuses_a_named_or_scoped_session_rather_than_store_it_unrestricted()
    {
        await using var host = await StoreHost.StartAsync(db => db.UseSqlite(ConnectionString), model => model.ModelVersion = 1);
        var sessions = host.Services.GetRequiredService<ISessionManager>();

        var scoped = await Assert.ThrowsAsync<NotSupportedException>(() => sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Scopes = [] }));
        Assert.Contains("ModelVersion to 2", scoped.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", Name = "ci" }));
        Assert.Empty(await sessions.ListAsync(new SessionFilter { UserId = "alice" }));
    }

    [Fact]
    public async Task A_version_1_schema_keeps_working_and_refuses_sign_in_state_it_cannot_store()
    {
        await using var host = await StoreHost.StartAsync(db => db.UseSqlite(ConnectionString), model => model.ModelVersion = 1);
        var sessions = host.Services.GetRequiredService<ISessionManager>();

        var created = await sessions.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var found = await sessions.AuthenticateAsync(created.Token);
        Assert.NotNull(found);
        Assert.Equal(found.CreatedAt, found.AuthenticatedAt);

        var items = new Dictionary<string, string> { [".Token.access_token"] = "at" };
        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => sessions.CreateAsync(new SessionCreateRequest { UserId = "alice", AuthenticationItems = items }));
        Assert.Contains("ModelVersion to 2", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => sessions.ReauthenticateAsync(created.Session.Id));
        Assert.Equal(found.AuthenticatedAt, (await sessions.FindByIdAsync(created.Session.Id))!.AuthenticatedAt);
    }

    private static Microsoft.EntityFrameworkCore.Metadata.IEntityType Entity(StoreHost host)
    {
        using var context = host.NewContext();
        return context.Model.GetEntityTypes().Single(e => e.ClrType == typeof(SessionRow));
    }
}
