using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Unit;

/// <summary><see cref="SessionRecord.DigestsMatch"/>: every byte counts, and only digests of the same length match.</summary>
public sealed class SessionRecordTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void A_digest_of_another_length_matches_only_the_same_bytes(int length)
    {
        var stored = Digest(length);

        Assert.True(SessionRecord.DigestsMatch(stored, Digest(length)));
        Assert.False(SessionRecord.DigestsMatch(stored, Digest(32)));
        Assert.False(SessionRecord.DigestsMatch(stored, Digest(length + 1)));
        if (length > 0)
        {
            var wrong = Digest(length);
            wrong[^1] ^= 1;
            Assert.False(SessionRecord.DigestsMatch(stored, wrong));
        }
    }

    [Fact]
    public void Every_byte_of_a_32_byte_digest_is_compared()
    {
        var stored = Digest(32);

        Assert.True(SessionRecord.DigestsMatch(stored, Digest(32)));
        for (var i = 0; i < 32; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var presented = Digest(32);
                presented[i] ^= (byte)(1 << bit);
                Assert.False(SessionRecord.DigestsMatch(stored, presented), $"byte {i}, bit {bit}");
            }
        }

        Assert.False(SessionRecord.DigestsMatch(stored, Digest(31)));
        Assert.False(SessionRecord.DigestsMatch(stored, Digest(33)));
        Assert.False(SessionRecord.DigestsMatch(stored, []));
        Assert.False(SessionRecord.DigestsMatch(new byte[32], []));
        Assert.True(SessionRecord.DigestsMatch(new byte[32], new byte[32]));
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
}
