using AspNetSessions.Stores;
using Position = AspNetSessions.Stores.MemoryListingOrder.Position;

namespace AspNetSessions.Tests.Stores;

/// <summary>The memory store's listing order, directly: order, chunk splits and merges, cursors at chunk edges, and a model.</summary>
public sealed class MemoryListingOrderTests
{
    private const int Size = MemoryListingOrder.ChunkSize;

    private static readonly Comparer<Position> Model = Comparer<Position>.Create(static (x, y) =>
    {
        var byTime = x.CreatedAtTicks.CompareTo(y.CreatedAtTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
    });

    [Fact]
    public void Lists_by_created_at_then_ordinal_id()
    {
        var order = new MemoryListingOrder();
        Position[] positions = [new(2, "a"), new(1, "b"), new(1, "B"), new(1, "a"), new(3, "A")];
        foreach (var position in positions)
        {
            Assert.True(order.Add(position));
        }

        var (listed, more) = order.After(null, 10);

        Assert.Equal([new(1, "B"), new(1, "a"), new(1, "b"), new(2, "a"), new(3, "A")], listed);
        Assert.False(more);
    }

    [Fact]
    public void Refuses_a_position_it_holds_but_takes_the_same_id_at_another_time()
    {
        var order = new MemoryListingOrder();

        Assert.True(order.Add(new(5, "x")));
        Assert.False(order.Add(new(5, "x")));
        Assert.True(order.Add(new(6, "x")));
        order.Remove(new(6, "x"));

        Assert.Equal([new(5, "x")], order.After(null, 10).Positions);
    }

    [Fact]
    public void Appends_fill_chunks_instead_of_splitting_them()
    {
        var order = new MemoryListingOrder();
        for (var i = 0; i < 4 * Size; i++)
        {
            order.Add(new(i, Id(i)));
        }

        Assert.Equal(4, order.ChunkCount);
        Assert.Equal(4 * Size, order.Count);
    }

    [Fact]
    public void An_insert_into_a_full_chunk_splits_it_and_keeps_the_order()
    {
        var order = new MemoryListingOrder();
        for (var i = 0; i < Size; i++)
        {
            order.Add(new(2 * i, Id(i)));
        }

        order.Add(new(-1, "first"));
        order.Add(new(Size + 1, "middle"));

        Assert.Equal(2, order.ChunkCount);
        var listed = order.After(null, 10 * Size).Positions;
        Assert.Equal(Size + 2, listed.Count);
        Assert.Equal(listed.Order(Model), listed);
        Assert.Equal(new Position(-1, "first"), listed[0]);
    }

    [Fact]
    public void Inserts_just_below_the_end_fill_the_chunk_below_before_splitting()
    {
        // Created-at is whole milliseconds: sessions of one millisecond arrive in random id order, near the end.
        var order = new MemoryListingOrder();
        var random = new Random(7);
        var count = 0;
        for (var millisecond = 0; millisecond < 100; millisecond++)
        {
            foreach (var i in Enumerable.Range(0, 50).OrderBy(_ => random.Next()))
            {
                Assert.True(order.Add(new(millisecond, Id(i))));
                count++;
            }
        }

        Assert.InRange(order.ChunkCount, count / Size, (count / Size) + 2); // full chunks but the last two or three
        var listed = order.After(null, count).Positions;
        Assert.Equal(listed.Order(Model), listed);
        Assert.Equal(count, listed.Distinct().Count());
    }

    [Fact]
    public void Emptied_chunks_go_and_sparse_neighbours_merge()
    {
        var order = new MemoryListingOrder();
        for (var i = 0; i < 3 * Size; i++)
        {
            order.Add(new(i, Id(i)));
        }

        for (var i = Size; i < 2 * Size; i++)
        {
            order.Remove(new(i, Id(i))); // the middle chunk empties and goes
        }

        Assert.Equal(2, order.ChunkCount);
        for (var i = 0; i < Size - 10; i++)
        {
            order.Remove(new(i, Id(i)));
        }

        for (var i = 2 * Size; i < 3 * Size - 10; i++)
        {
            order.Remove(new(i, Id(i)));
        }

        Assert.Equal(1, order.ChunkCount); // two chunks of ten each fold into one
        Assert.Equal(
            [.. Enumerable.Range(Size - 10, 10).Concat(Enumerable.Range(3 * Size - 10, 10)).Select(i => new Position(i, Id(i)))],
            order.After(null, 100).Positions);
    }

    [Fact]
    public void Removing_a_missing_position_changes_nothing()
    {
        var order = new MemoryListingOrder();
        order.Remove(new(1, "nothing yet"));
        order.Add(new(1, "a"));
        order.Add(new(3, "c"));

        order.Remove(new(2, "a"));
        order.Remove(new(1, "b"));
        order.Remove(new(0, "a"));
        order.Remove(new(4, "z"));

        Assert.Equal([new(1, "a"), new(3, "c")], order.After(null, 10).Positions);
    }

    [Fact]
    public void Pages_walk_across_chunk_boundaries_from_a_cursor()
    {
        var order = new MemoryListingOrder();
        for (var i = 0; i < 3 * Size; i++)
        {
            order.Add(new(i, Id(i)));
        }

        foreach (var cursor in new[] { Size - 2, Size - 1, Size, 2 * Size - 1, 3 * Size - 2 })
        {
            var (listed, more) = order.After(At(cursor), 3);

            var expected = Enumerable.Range(cursor + 1, Math.Min(3, (3 * Size) - cursor - 1)).Select(i => new Position(i, Id(i)));
            Assert.Equal(expected, listed);
            Assert.Equal(cursor + 4 < 3 * Size, more);
        }

        var (last, none) = order.After(At(3 * Size - 1), 3);
        Assert.Empty(last);
        Assert.False(none);
    }

    [Fact]
    public void A_cursor_that_is_gone_still_resumes_after_its_place()
    {
        var order = new MemoryListingOrder();
        for (var i = 0; i < 2 * Size; i++)
        {
            order.Add(new(2 * i, Id(i)));
        }

        order.Remove(new(2 * (Size - 1), Id(Size - 1))); // the last of the first chunk

        Assert.Equal([new(2 * Size, Id(Size))], order.After(At(2 * (Size - 1), Id(Size - 1)), 1).Positions);
        Assert.Equal([new(2 * Size, Id(Size))], order.After(At(2 * Size - 1, "between"), 1).Positions);
        Assert.Empty(order.After(At(DateTimeOffset.MaxValue.UtcTicks, "after everything"), 1).Positions);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_operations_match_a_sorted_set(int seed)
    {
        var random = new Random(seed);
        var order = new MemoryListingOrder();
        var model = new SortedSet<Position>(Model);
        var clock = 0L;
        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 5)
            {
                // Mostly appends (created-at grows), some in the past, a few at a time already taken.
                var ticks = roll < 3 ? clock += random.Next(3) : random.NextInt64(clock + 1);
                var position = new Position(ticks, Id(random.Next(500)));
                Assert.Equal(model.Add(position), order.Add(position));
            }
            else if (roll < 9 && model.Count > 0)
            {
                var position = model.ElementAt(random.Next(model.Count));
                model.Remove(position);
                order.Remove(position);
            }
            else
            {
                var ticks = random.NextInt64(clock + 2);
                var id = Id(random.Next(500));
                var count = random.Next(1, 300);
                var expected = model.Where(p => Model.Compare(p, new Position(ticks, id)) > 0).ToList();

                var (listed, more) = order.After(At(ticks, id), count);

                Assert.Equal(expected.Take(count), listed);
                Assert.Equal(expected.Count > count, more);
            }
        }

        Assert.Equal(model, order.After(null, int.MaxValue).Positions);
        Assert.Equal(model.Count, order.Count);
    }

    private static SessionPosition At(int index) => At(index, Id(index));

    private static SessionPosition At(long ticks, string id) => new(new DateTimeOffset(ticks, TimeSpan.Zero), id);

    private static string Id(int i) => $"id{i:D5}";
}
