using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// <see cref="SessionRecord"/> keeps a 32-byte digest inline and any other length as given: reading, matching,
/// copying and comparing records must not tell the difference, except as documented (32 bytes compare by value).
/// </summary>
public sealed class SessionRecordTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_32_byte_digest_reads_back_as_set_and_is_a_copy()
    {
        var digest = Digest(32);
        var record = new SessionRecord(NewSession("a"), digest);

        Assert.Equal(digest, record.Digest.ToArray());
        Assert.Equal(32, record.Digest.Length);
        digest[0] ^= 0xff;
        Assert.NotEqual(digest, record.Digest.ToArray());
        Assert.True(record.MatchesDigest(Digest(32)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void A_digest_of_another_length_is_kept_as_given(int length)
    {
        var digest = Digest(length);
        var record = new SessionRecord(NewSession("a"), digest);

        Assert.True(record.Digest.Span == digest.AsSpan(), "the very same memory");
        Assert.True(record.MatchesDigest(Digest(length)));
        Assert.False(record.MatchesDigest(Digest(32)));
        Assert.False(record.MatchesDigest(Digest(length + 1)));
        if (length > 0)
        {
            var wrong = Digest(length);
            wrong[^1] ^= 1;
            Assert.False(record.MatchesDigest(wrong));
        }

        Assert.Equal("a", record.Session.Id);
        Assert.Equal("b", (record with { Session = NewSession("b") }).Session.Id);
        Assert.True((record with { Session = NewSession("b") }).Digest.Span == digest.AsSpan());
    }

    [Fact]
    public void A_default_digest_is_empty()
    {
        var record = new SessionRecord(NewSession("a"), default);

        Assert.True(record.Digest.IsEmpty);
        Assert.True(record.MatchesDigest([]));
        Assert.False(record.MatchesDigest(new byte[32]));
    }

    [Fact]
    public void Every_byte_of_a_32_byte_digest_is_compared()
    {
        var record = new SessionRecord(NewSession("a"), Digest(32));

        Assert.True(record.MatchesDigest(Digest(32)));
        for (var i = 0; i < 32; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var presented = Digest(32);
                presented[i] ^= (byte)(1 << bit);
                Assert.False(record.MatchesDigest(presented), $"byte {i}, bit {bit}");
            }
        }

        Assert.False(record.MatchesDigest(Digest(31)));
        Assert.False(record.MatchesDigest(Digest(33)));
        Assert.False(record.MatchesDigest([]));
        Assert.False(new SessionRecord(NewSession("a"), new byte[32]).MatchesDigest([]));
        Assert.True(new SessionRecord(NewSession("a"), new byte[32]).MatchesDigest(new byte[32]));
    }

    [Fact]
    public void With_keeps_what_it_does_not_set_in_both_layouts()
    {
        var inline = new SessionRecord(NewSession("a"), Digest(32));
        var other = new SessionRecord(NewSession("a"), Digest(20));

        var renamed = inline with { Session = NewSession("b") };
        Assert.Equal("b", renamed.Session.Id);
        Assert.Equal(Digest(32), renamed.Digest.ToArray());
        Assert.Equal("a", inline.Session.Id);

        // Switching between the layouts, both ways, keeps the session.
        var longer = inline with { Digest = Digest(64) };
        Assert.Equal(Digest(64), longer.Digest.ToArray());
        Assert.Equal("a", longer.Session.Id);
        Assert.True(longer.MatchesDigest(Digest(64)));
        Assert.False(longer.MatchesDigest(Digest(32)));

        var back = other with { Digest = Digest(32) };
        Assert.Equal(Digest(32), back.Digest.ToArray());
        Assert.True(back.MatchesDigest(Digest(32)));
        Assert.False(back.MatchesDigest(Digest(20)));
        Assert.Equal(inline, back);

        var (session, digest) = other;
        Assert.Same(other.Session, session);
        Assert.Equal(Digest(20), digest.ToArray());
    }

    [Fact]
    public void Records_with_32_byte_digests_are_equal_by_session_and_digest_value()
    {
        var session = NewSession("a");
        var a = new SessionRecord(session, Digest(32));
        var b = new SessionRecord(session with { }, Digest(32));

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        var changed = Digest(32);
        changed[31] ^= 1;
        Assert.NotEqual(a, new SessionRecord(session, changed));
        Assert.NotEqual(a, new SessionRecord(session with { Name = "x" }, Digest(32)));
        Assert.NotEqual(a, new SessionRecord(session, Digest(31)));
    }

    [Fact]
    public void Records_with_digests_of_another_length_compare_them_as_memory()
    {
        var session = NewSession("a");
        var digest = Digest(16);

        Assert.Equal(new SessionRecord(session, digest), new SessionRecord(session, digest));
        Assert.NotEqual(new SessionRecord(session, digest), new SessionRecord(session, Digest(16)));
    }

    [Fact]
    public void Printing_shows_the_session_and_the_digest()
    {
        var text = new SessionRecord(NewSession("a"), Digest(32)).ToString();

        Assert.StartsWith("SessionRecord { Session = Session { Id = a,", text, StringComparison.Ordinal);
        Assert.EndsWith("Digest = System.ReadOnlyMemory<Byte>[32] }", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_with_a_32_byte_digest_takes_56_bytes()
    {
        if (!Environment.Is64BitProcess)
        {
            return; // object sizes are those of a 64-bit process
        }

        var session = NewSession("a");
        ReadOnlyMemory<byte> digest = Digest(32);
        _ = new SessionRecord(session, digest);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var record = new SessionRecord(session, digest);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Header and method table 16, the session 8, the digest's four words 32 (was 40, plus a 56-byte array).
        Assert.Equal(56, allocated);
        GC.KeepAlive(record);
    }

    private static byte[] Digest(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 7 + 1);
        }

        return bytes;
    }

    private static Session NewSession(string id) => new()
    {
        Id = id,
        Kind = "k",
        UserId = "alice",
        CreatedAt = T0,
        LastSeenAt = T0,
        ExpiresAt = T0.AddHours(1),
    };
}
