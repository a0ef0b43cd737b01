namespace AspNetSessions.Stores;

/// <summary>
/// One kind's ids in listing order (created-at ticks, then ordinal id), for kind-wide pages of the memory store: a sorted
/// list of chunks of at most <see cref="ChunkSize"/> positions under a lock. A binary search over the chunks' last
/// positions, then one within a chunk, finds where an add, a remove or a page goes: O(log n), plus a move of at most one
/// chunk's positions (and of the chunk list when a chunk comes or goes). Created-at grows, so most adds append: a full
/// last chunk is then followed by a new one rather than split; an insert into a full chunk (sessions created in one
/// millisecond come in random id order) first moves its lowest position into the chunk below, or its highest into the
/// chunk above, if that has room, so only a split leaves room and chunks stay nearly full (about 16 bytes per session,
/// where a red-black tree took about 56).
/// </summary>
internal sealed class MemoryListingOrder
{
    /// <summary>The most positions one chunk holds.</summary>
    internal const int ChunkSize = 128;

    private static readonly IComparer<Position> Order = Comparer<Position>.Create(Compare);

    private readonly List<Chunk> _chunks = [];

    /// <summary>How many positions there are.</summary>
    public int Count
    {
        get
        {
            lock (_chunks)
            {
                var count = 0;
                foreach (var chunk in _chunks)
                {
                    count += chunk.Count;
                }

                return count;
            }
        }
    }

    /// <summary>How many chunks hold the positions (for tests of splits and merges).</summary>
    internal int ChunkCount
    {
        get
        {
            lock (_chunks)
            {
                return _chunks.Count;
            }
        }
    }

    /// <summary>Adds a position; <see langword="false"/> if it is there already.</summary>
    public bool Add(Position position)
    {
        lock (_chunks)
        {
            if (_chunks.Count == 0)
            {
                _chunks.Add(new Chunk(position));
                return true;
            }

            // The first chunk whose last position is not below this one, else the last chunk (an append).
            var at = Math.Min(FirstEndingAtOrAbove(position), _chunks.Count - 1);
            var chunk = _chunks[at];
            var index = chunk.Find(position);
            if (index >= 0)
            {
                return false;
            }

            index = ~index;
            if (chunk.Count < ChunkSize)
            {
                chunk.Insert(index, position);
            }
            else if (at > 0 && _chunks[at - 1].Count < ChunkSize)
            {
                // Room below: the lowest position (or this one) moves down, rather than a split leaving two half chunks.
                var below = _chunks[at - 1];
                if (index == 0)
                {
                    below.Insert(below.Count, position);
                }
                else
                {
                    below.Insert(below.Count, chunk.Items[0]);
                    chunk.RemoveAt(0);
                    chunk.Insert(index - 1, position);
                }
            }
            else if (at + 1 < _chunks.Count && _chunks[at + 1].Count < ChunkSize)
            {
                // Room above: the highest position (or this one) moves up.
                var above = _chunks[at + 1];
                if (index == ChunkSize)
                {
                    above.Insert(0, position);
                }
                else
                {
                    above.Insert(0, chunk.Last);
                    chunk.RemoveAt(ChunkSize - 1);
                    chunk.Insert(index, position);
                }
            }
            else if (index == ChunkSize && at == _chunks.Count - 1)
            {
                _chunks.Add(new Chunk(position));
            }
            else
            {
                var upper = chunk.SplitUpperHalf();
                _chunks.Insert(at + 1, upper);
                if (index <= chunk.Count)
                {
                    chunk.Insert(index, position);
                }
                else
                {
                    upper.Insert(index - chunk.Count, position);
                }
            }

            return true;
        }
    }

    /// <summary>Removes a position if it is there.</summary>
    public void Remove(Position position)
    {
        lock (_chunks)
        {
            var at = FirstEndingAtOrAbove(position);
            if (at == _chunks.Count)
            {
                return;
            }

            var chunk = _chunks[at];
            var index = chunk.Find(position);
            if (index < 0)
            {
                return;
            }

            chunk.RemoveAt(index);
            if (chunk.Count == 0)
            {
                _chunks.RemoveAt(at);
            }
            else if (chunk.Count <= ChunkSize / 4)
            {
                MergeWithNeighbour(at);
            }
        }
    }

    /// <summary>Up to <paramref name="count"/> positions strictly after <paramref name="after"/>, and whether more follow.</summary>
    public (List<Position> Positions, bool More) After(SessionPosition? after, int count)
    {
        var found = new List<Position>(Math.Min(count, 1024));
        lock (_chunks)
        {
            var at = 0;
            var index = 0;
            if (after is { } p)
            {
                var start = new Position(p.CreatedAt.UtcTicks, p.Id);
                at = FirstEndingAtOrAbove(start);
                if (at < _chunks.Count)
                {
                    index = _chunks[at].Find(start);
                    index = index >= 0 ? index + 1 : ~index;
                }
            }

            for (; at < _chunks.Count; at++, index = 0)
            {
                var chunk = _chunks[at];
                for (; index < chunk.Count; index++)
                {
                    if (found.Count == count)
                    {
                        return (found, true);
                    }

                    found.Add(chunk.Items[index]);
                }
            }
        }

        return (found, false);
    }

    private static int Compare(Position x, Position y)
    {
        var byTime = x.CreatedAtTicks.CompareTo(y.CreatedAtTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
    }

    /// <summary>The index of the first chunk whose last position is at or above <paramref name="position"/>, or the chunk count.</summary>
    private int FirstEndingAtOrAbove(Position position)
    {
        int low = 0, high = _chunks.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (Compare(_chunks[middle].Last, position) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Folds a chunk run low into a neighbour when both fit in three quarters of a chunk, so chunks stay dense.</summary>
    private void MergeWithNeighbour(int at)
    {
        foreach (var left in (ReadOnlySpan<int>)[at - 1, at])
        {
            if (left >= 0 && left + 1 < _chunks.Count && _chunks[left].Count + _chunks[left + 1].Count <= ChunkSize * 3 / 4)
            {
                _chunks[left].Append(_chunks[left + 1]);
                _chunks.RemoveAt(left + 1);
                return;
            }
        }
    }

    /// <summary>A session's place in the listing order.</summary>
    public readonly record struct Position(long CreatedAtTicks, string Id);

    /// <summary>Positions in order in the front of a fixed array.</summary>
    private sealed class Chunk
    {
        public Chunk(Position first)
        {
            Items[0] = first;
            Count = 1;
        }

        private Chunk()
        {
        }

        public Position[] Items { get; } = new Position[ChunkSize];

        public int Count { get; private set; }

        public Position Last => Items[Count - 1];

        /// <summary>The index of <paramref name="position"/>, or the complement of where it would go.</summary>
        public int Find(Position position) => Array.BinarySearch(Items, 0, Count, position, Order);

        public void Insert(int index, Position position)
        {
            Array.Copy(Items, index, Items, index + 1, Count - index);
            Items[index] = position;
            Count++;
        }

        public void RemoveAt(int index)
        {
            Count--;
            Array.Copy(Items, index + 1, Items, index, Count - index);
            Items[Count] = default; // drop the id reference
        }

        /// <summary>Moves the upper half of a full chunk into a new one, which it returns.</summary>
        public Chunk SplitUpperHalf()
        {
            var upper = new Chunk();
            var keep = Count / 2;
            upper.Count = Count - keep;
            Array.Copy(Items, keep, upper.Items, 0, upper.Count);
            Array.Clear(Items, keep, upper.Count);
            Count = keep;
            return upper;
        }

        /// <summary>Moves every position of <paramref name="next"/> (all above this chunk's) to the end of this one.</summary>
        public void Append(Chunk next)
        {
            Array.Copy(next.Items, 0, Items, Count, next.Count);
            Count += next.Count;
        }
    }
}
