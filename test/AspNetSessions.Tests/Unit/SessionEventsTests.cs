using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// Created/revoked notifications reach handlers registered through <c>Events</c> and through <c>EventsType</c> alike,
/// and fire from the manager itself: no HTTP request is involved here (as in a background revocation job).
/// </summary>
public sealed class SessionEventsTests
{
    [Fact]
    public void The_handler_skips_request_events_only_while_nobody_can_observe_them()
    {
        // The handler builds no per-request context for these two events while they are the defaults.
        var defaults = new SessionAuthenticationEvents();
        Assert.False(defaults.ObservesMessageReceived);
        Assert.False(defaults.ObservesValidateSession);

        var delegates = new SessionAuthenticationEvents { OnMessageReceived = _ => Task.CompletedTask, OnValidateSession = _ => Task.CompletedTask };
        Assert.True(delegates.ObservesMessageReceived);
        Assert.True(delegates.ObservesValidateSession);

        // A derived type may override the virtual methods without touching the delegates.
        var derived = new DerivedEvents();
        Assert.True(derived.ObservesMessageReceived);
        Assert.True(derived.ObservesValidateSession);
    }

    [Fact]
    public async Task Events_set_on_the_options_receive_created_and_revoked()
    {
        var seen = new ConcurrentQueue<string>();
        using var host = Build(services => services.AddSessionAuth(o =>
        {
            o.Events.OnSessionCreated = c => Record(seen, "created:" + c.Session.UserId);
            o.Events.OnSessionRevoked = c => Record(seen, $"revoked:{c.SessionId ?? c.UserId}:{c.Count}");
        }));

        await RunLifecycleAsync(host.Services.GetRequiredService<ISessionManager>(), seen);
    }

    [Fact]
    public async Task An_events_type_from_the_services_receives_created_and_revoked_in_a_scope_of_its_own()
    {
        var seen = new ConcurrentQueue<string>();
        using var host = Build(services =>
        {
            services.AddSingleton(seen);
            services.AddScoped<RecordingEvents>();
            services.AddSessionAuth(o => o.EventsType = typeof(RecordingEvents));
        });

        await RunLifecycleAsync(host.Services.GetRequiredService<ISessionManager>(), seen);
        Assert.True(RecordingEvents.Disposed >= 4); // every notification's scope was disposed
    }

    private static async Task RunLifecycleAsync(ISessionManager manager, ConcurrentQueue<string> seen)
    {
        var first = await manager.CreateAsync(new SessionCreateRequest { UserId = "carol" });
        await manager.CreateAsync(new SessionCreateRequest { UserId = "carol" });
        Assert.True(await manager.RevokeAsync(first.Session.Id));
        Assert.Equal(1, await manager.RevokeAllAsync("carol"));

        Assert.Equal(["created:carol", "created:carol", $"revoked:{first.Session.Id}:1", "revoked:carol:1"], seen);
    }

    private static Task Record(ConcurrentQueue<string> seen, string what)
    {
        seen.Enqueue(what);
        return Task.CompletedTask;
    }

    private static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        configure(builder.Services);
        var host = builder.Build();
        host.Start();
        return host;
    }

    private sealed class RecordingEvents : SessionAuthenticationEvents, IDisposable
    {
        private static int _disposed;

        public RecordingEvents(ConcurrentQueue<string> seen)
        {
            OnSessionCreated = c => Record(seen, "created:" + c.Session.UserId);
            OnSessionRevoked = c => Record(seen, $"revoked:{c.SessionId ?? c.UserId}:{c.Count}");
        }

        public static int Disposed => Volatile.Read(ref _disposed);

        public void Dispose() => Interlocked.Increment(ref _disposed);
    }

    private sealed class DerivedEvents : SessionAuthenticationEvents
    {
        public override Task ValidateSession(SessionValidateContext context)
        {
            context.Fail("refused");
            return Task.CompletedTask;
        }
    }
}
