using System.Collections.Concurrent;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.Extensions.Logging;

namespace AspNetSessions.Tests.Stores;

/// <summary>
/// The state machine the Redis and PostgreSQL channels share, over a scripted transport, on real time (as the channels
/// run): live only after a probe succeeds, lost at the first doubt, one warning per streak (1304) and one line when
/// live (1305), one listener at a time.
/// </summary>
public sealed class SessionChangeChannelTests : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();

    [Fact]
    public async Task A_streak_of_failures_logs_once_and_the_channel_is_live_only_once_a_probe_succeeds()
    {
        await using var channel = new ScriptedChannel(_logs.CreateLogger("test")) { Failing = true };
        var listener = new RecordingListener();
        using var subscription = channel.Subscribe(listener);

        await Eventually.HoldsAsync(() => channel.Probes >= 3); // retried, with a growing pause
        Assert.Empty(listener.Events);
        channel.Failing = false;
        await Eventually.HoldsAsync(() => listener.Events.SequenceEqual(["restored"]));

        channel.Failing = true; // the next heartbeat probe fails
        await Eventually.HoldsAsync(() => listener.Events.SequenceEqual(["restored", "lost"]));
        var probes = channel.Probes;
        await Eventually.HoldsAsync(() => channel.Probes >= probes + 2);

        Assert.Equal(2, Logged(1304)); // the streak before the first success, and the loss
        Assert.Equal(1, Logged(1305));
        Assert.Contains(_logs.Lines, l => l.Contains("[1304] The change channel test-channel is not live (IOException)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_message_flushes_the_listener_and_the_channel_stays_live()
    {
        await using var channel = new ScriptedChannel(_logs.CreateLogger("test"));
        var listener = new RecordingListener();
        using var subscription = channel.Subscribe(listener);
        await Eventually.HoldsAsync(() => listener.Events.SequenceEqual(["restored"]));

        channel.Unreadable();

        Assert.Equal(["restored", "lost", "restored"], listener.Events);
        Assert.Equal(0, Logged(1304));
    }

    [Fact]
    public async Task It_takes_one_listener_at_a_time()
    {
        await using var channel = new ScriptedChannel(_logs.CreateLogger("test"));
        using var subscription = channel.Subscribe(new RecordingListener());

        var error = Assert.Throws<InvalidOperationException>(() => channel.Subscribe(new RecordingListener()));
        Assert.Contains("test-channel has a listener already", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_it_tells_every_listener_a_late_one_hears_it_is_live_and_the_last_to_leave_ends_it()
    {
        await using var channel = new ScriptedChannel(_logs.CreateLogger("test"));
        var shared = new SharedSessionChangeFeed(channel);
        var nearCache = new RecordingListener();
        var first = shared.Subscribe(nearCache);
        await Eventually.HoldsAsync(() => nearCache.Events.SequenceEqual(["restored"]));

        var liveConnections = new RecordingListener();
        var second = shared.Subscribe(liveConnections);
        Assert.Equal(["restored"], liveConnections.Events); // told at once: the channel said it only once, before it came
        channel.Announce("Session", "s1");
        Assert.Equal(["restored", "session Session s1"], nearCache.Events);
        Assert.Equal(["restored", "session Session s1"], liveConnections.Events);

        first.Dispose();
        channel.Announce("Session", "s2");
        Assert.Equal(["restored", "session Session s1"], nearCache.Events);
        Assert.Equal(["restored", "session Session s1", "session Session s2"], liveConnections.Events);
        var probes = channel.Probes;
        second.Dispose(); // the last one: the channel stops
        Assert.Equal(probes, channel.Probes);
        using var again = channel.Subscribe(new RecordingListener()); // free for a new listener
    }

    public void Dispose() => _logs.Dispose();

    private int Logged(int eventId) => _logs.Lines.Count(l => l.Contains($"[{eventId}]", StringComparison.Ordinal));

    private sealed class ScriptedChannel(ILogger logger) : SessionChangeChannel("test-channel", logger)
    {
        private int _probes;
        private volatile bool _failing;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }

        public int Probes => Volatile.Read(ref _probes);

        public void Unreadable() => ReportUnreadable();

        public void Announce(string kind, string sessionId) => Listener?.SessionChanged(kind, sessionId);

        protected override Task ListenAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override Task<bool> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            return _failing ? Task.FromException<bool>(new IOException("cut")) : Task.FromResult(true);
        }
    }

    private sealed class RecordingListener : ISessionChangeListener
    {
        private readonly ConcurrentQueue<string> _events = new();

        public string[] Events => [.. _events];

        public void SessionChanged(string kind, string sessionId) => _events.Enqueue($"session {kind} {sessionId}");

        public void UserChanged(string kind, string userId) => _events.Enqueue($"user {kind} {userId}");

        public void KindChanged(string kind) => _events.Enqueue($"kind {kind}");

        public void ChannelLost() => _events.Enqueue("lost");

        public void ChannelRestored() => _events.Enqueue("restored");
    }
}
