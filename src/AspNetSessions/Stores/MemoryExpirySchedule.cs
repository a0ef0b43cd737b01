using System.Collections.Concurrent;

namespace AspNetSessions.Stores;

/// <summary>
/// One kind's session ids filed by when they expire, so that the memory store's sweep visits the sessions that may have
/// expired rather than every session it holds: at 10,000,000 stored a pass over all of them took 3–4 s of CPU each
/// minute (bench/results/2026-12-04-scale-http). Ids are filed in slots as wide as the sweep interval; a sweep takes
/// out every slot that has begun, removes the sessions that have expired and files the rest again at their expiry now.
/// </summary>
/// <remarks>
/// Filing is lazy: a slide moves an expiry later and files nothing (the sweep files the session again when its old
/// slot comes), and a removal leaves the id where it is (the sweep finds no session and drops it: a revoked session's
/// id string outlives it by at most its remaining lifetime or a horizon, about 80 bytes). Only an expiry
/// moved earlier is filed again (<see cref="MemorySessionStore.UpdateAsync"/>); an id filed twice is harmless. An id is
/// filed at most <see cref="Horizon"/> ahead, so there are at most horizon / interval slots however far off expiries
/// are (an API key's year); a session that outlives the horizon is visited and filed again once a horizon.
/// </remarks>
internal sealed class MemoryExpirySchedule(TimeSpan slotWidth)
{
    /// <summary>How far ahead of now an id is filed at most.</summary>
    internal static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    private readonly long _slotTicks = Math.Max(1, slotWidth.Ticks);
    private readonly ConcurrentDictionary<long, Slot> _slots = new();

    /// <summary>How many slots hold ids (for tests).</summary>
    internal int SlotCount => _slots.Count;

    /// <summary>Files <paramref name="id"/> for the first sweep at or after <paramref name="expiresAt"/> (at most a horizon from now).</summary>
    public void Add(string id, long expiresAt, long now)
    {
        var key = Math.Min(expiresAt, now + Horizon.Ticks) / _slotTicks;
        while (!_slots.GetOrAdd(key, static _ => new Slot()).TryAdd(id))
        {
            // A sweep took that slot out between the lookup and the add: the next lookup makes a new one.
        }
    }

    /// <summary>
    /// Takes out every slot that has begun by <paramref name="now"/>, one list of ids at a time: each id was filed with
    /// an expiry in or before its slot (or a horizon before it). The caller removes the expired and files the rest again.
    /// </summary>
    public IEnumerable<List<string>> TakeDue(long now)
    {
        var due = now / _slotTicks;
        var keys = new List<long>();
        foreach (var (key, _) in _slots)
        {
            if (key <= due)
            {
                keys.Add(key);
            }
        }

        // The keys found first: the ids filed again while these are handled go to slots of their own, visited next time.
        foreach (var key in keys)
        {
            if (_slots.TryRemove(key, out var slot))
            {
                yield return slot.Close();
            }
        }
    }

    private sealed class Slot
    {
        private readonly List<string> _ids = [];
        private bool _closed;

        public bool TryAdd(string id)
        {
            lock (_ids)
            {
                if (!_closed)
                {
                    _ids.Add(id);
                }

                return !_closed;
            }
        }

        public List<string> Close()
        {
            lock (_ids)
            {
                _closed = true;
                return _ids;
            }
        }
    }
}
