using System.Buffers;
using System.Text;
using AspNetSessions.Redis.Resp;
using AspNetSessions.Redis.Tests.Infrastructure;

namespace AspNetSessions.Redis.Tests.Resp;

public sealed class RespReaderTests
{
    // Every frame with a check of its parsed value. Keys are test case names.
    private static readonly Dictionary<string, (string Frame, Action<RespValue> Check)> Frames = new()
    {
        ["simple string"] = ("+OK\r\n", v => { Assert.Equal(RespKind.SimpleString, v.Kind); Assert.Equal("OK", v.AsString()); }),
        ["simple string, not interned"] = ("+hello world\r\n", v => Assert.Equal("hello world", v.AsString())),
        ["empty simple string"] = ("+\r\n", v => { Assert.Equal(RespKind.SimpleString, v.Kind); Assert.Equal(string.Empty, v.AsString()); }),
        ["error"] = ("-ERR unknown command 'FOO'\r\n", v => { Assert.True(v.IsError); Assert.Equal("ERR unknown command 'FOO'", v.AsString()); }),
        ["integer"] = (":1000\r\n", v => { Assert.Equal(RespKind.Integer, v.Kind); Assert.Equal(1000, v.AsInt64()); }),
        ["negative integer"] = (":-42\r\n", v => Assert.Equal(-42, v.AsInt64())),
        ["integer with plus"] = (":+7\r\n", v => Assert.Equal(7, v.AsInt64())),
        ["min integer"] = (":-9223372036854775808\r\n", v => Assert.Equal(long.MinValue, v.AsInt64())),
        ["max integer"] = (":9223372036854775807\r\n", v => Assert.Equal(long.MaxValue, v.AsInt64())),
        ["bulk string"] = ("$5\r\nhello\r\n", v => { Assert.Equal(RespKind.BulkString, v.Kind); Assert.Equal("hello", v.AsString()); }),
        ["bulk string with CRLF inside"] = ("$4\r\na\r\nb\r\n", v => Assert.Equal("a\r\nb", v.AsString())),
        ["empty bulk string"] = ("$0\r\n\r\n", v => { Assert.Equal(RespKind.BulkString, v.Kind); Assert.False(v.IsNull); Assert.Empty(v.AsBytes()!); }),
        ["null bulk string"] = ("$-1\r\n", v => { Assert.True(v.IsNull); Assert.Null(v.AsString()); Assert.Null(v.AsBytes()); }),
        ["null array"] = ("*-1\r\n", v => { Assert.True(v.IsNull); Assert.Equal(0, v.Count); }),
        ["resp3 null"] = ("_\r\n", v => Assert.True(v.IsNull)),
        ["empty array"] = ("*0\r\n", v => { Assert.Equal(RespKind.Array, v.Kind); Assert.Equal(0, v.Count); }),
        ["array"] = ("*3\r\n:1\r\n$3\r\nfoo\r\n$-1\r\n", v =>
        {
            Assert.Equal(RespKind.Array, v.Kind);
            Assert.Equal(3, v.Count);
            Assert.Equal(1, v[0].AsInt64());
            Assert.Equal("foo", v[1].AsString());
            Assert.True(v[2].IsNull);
        }),
        ["nested array"] = ("*2\r\n*2\r\n:1\r\n:2\r\n*1\r\n*1\r\n+deep\r\n", v =>
        {
            Assert.Equal(2, v.Count);
            Assert.Equal(2, v[1 - 1].Count);
            Assert.Equal(2, v[0][1].AsInt64());
            Assert.Equal("deep", v[1][0][0].AsString());
        }),
        ["error inside array"] = ("*2\r\n+OK\r\n-WRONGTYPE bad\r\n", v => { Assert.False(v[0].IsError); Assert.True(v[1].IsError); }),
        ["double"] = (",3.14\r\n", v => { Assert.Equal(RespKind.Double, v.Kind); Assert.Equal(3.14, v.AsDouble()); Assert.Equal("3.14", v.AsString()); }),
        ["double exponent"] = (",-1.5e3\r\n", v => Assert.Equal(-1500, v.AsDouble())),
        ["double integer form"] = (",10\r\n", v => Assert.Equal(10, v.AsDouble())),
        ["double inf"] = (",inf\r\n", v => Assert.Equal(double.PositiveInfinity, v.AsDouble())),
        ["double -inf"] = (",-inf\r\n", v => Assert.Equal(double.NegativeInfinity, v.AsDouble())),
        ["double nan"] = (",nan\r\n", v => Assert.True(double.IsNaN(v.AsDouble()))),
        ["boolean true"] = ("#t\r\n", v => { Assert.Equal(RespKind.Boolean, v.Kind); Assert.True(v.AsBoolean()); }),
        ["boolean false"] = ("#f\r\n", v => Assert.False(v.AsBoolean())),
        ["big number"] = ("(3492890328409238509324850943850943825024385\r\n", v =>
        {
            Assert.Equal(RespKind.BigNumber, v.Kind);
            Assert.Equal("3492890328409238509324850943850943825024385", v.AsString());
        }),
        ["negative big number"] = ("(-12\r\n", v => { Assert.Equal("-12", v.AsString()); Assert.Equal(-12, v.AsInt64()); }),
        ["blob error"] = ("!21\r\nSYNTAX invalid syntax\r\n", v => { Assert.True(v.IsError); Assert.Equal("SYNTAX invalid syntax", v.AsString()); }),
        ["verbatim string"] = ("=15\r\ntxt:Some string\r\n", v =>
        {
            Assert.Equal(RespKind.VerbatimString, v.Kind);
            Assert.Equal("txt", v.VerbatimFormat);
            Assert.Equal("Some string", v.AsString());
        }),
        ["map"] = ("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n", v =>
        {
            Assert.Equal(RespKind.Map, v.Kind);
            Assert.Equal(4, v.Count);
            Assert.Equal("first", v[0].AsString());
            Assert.Equal(1, v[1].AsInt64());
            Assert.Equal("second", v[2].AsString());
            Assert.Equal(2, v[3].AsInt64());
        }),
        ["empty map"] = ("%0\r\n", v => { Assert.Equal(RespKind.Map, v.Kind); Assert.Equal(0, v.Count); }),
        ["set"] = ("~3\r\n+a\r\n+b\r\n+c\r\n", v => { Assert.Equal(RespKind.Set, v.Kind); Assert.Equal("c", v[2].AsString()); }),
        ["push"] = (">3\r\n+message\r\n+channel\r\n$5\r\nhello\r\n", v =>
        {
            Assert.Equal(RespKind.Push, v.Kind);
            Assert.Equal("hello", v[2].AsString());
        }),
        ["attribute skipped"] = ("|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n", v =>
        {
            Assert.Equal(RespKind.Array, v.Kind);
            Assert.Equal(2039123, v[0].AsInt64());
            Assert.Equal(9543892, v[1].AsInt64());
        }),
        ["attribute inside aggregate"] = ("*2\r\n|1\r\n+ttl\r\n:3600\r\n+value\r\n:5\r\n", v =>
        {
            Assert.Equal(2, v.Count);
            Assert.Equal("value", v[0].AsString());
            Assert.Equal(5, v[1].AsInt64());
        }),
        ["streamed string"] = ("$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;2\r\nld\r\n;0\r\n", v =>
        {
            Assert.Equal(RespKind.BulkString, v.Kind);
            Assert.Equal("Hello world", v.AsString());
        }),
        ["streamed array"] = ("*?\r\n:1\r\n:2\r\n.\r\n", v => { Assert.Equal(RespKind.Array, v.Kind); Assert.Equal(2, v.Count); }),
        ["streamed map"] = ("%?\r\n+a\r\n:1\r\n.\r\n", v => { Assert.Equal(RespKind.Map, v.Kind); Assert.Equal(2, v.Count); }),
        ["hello 3 reply"] = ("%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n$7\r\nmodules\r\n*0\r\n", v =>
        {
            Assert.Equal(6, v.Count);
            Assert.Equal(3, v[3].AsInt64());
        }),
    };

    public static TheoryData<string> FrameNames => [.. Frames.Keys];

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Reads_frame_in_one_segment(string name)
    {
        var (frame, check) = Frames[name];
        var bytes = Encoding.UTF8.GetBytes(frame);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(RespReader.TryRead(buffer, out var value, out var consumed));

        check(value);
        Assert.Equal(buffer.End, consumed);
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Reads_frame_split_at_every_byte_boundary(string name)
    {
        var (frame, check) = Frames[name];
        var bytes = Encoding.UTF8.GetBytes(frame);
        for (var split = 1; split < bytes.Length; split++)
        {
            var buffer = SegmentedSequence.Split(bytes, split);
            Assert.True(RespReader.TryRead(buffer, out var value, out var consumed), $"split at {split}");
            check(value);
            Assert.Equal(bytes.Length, buffer.Slice(0, consumed).Length);
        }
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Reads_frame_delivered_one_byte_per_segment(string name)
    {
        var (frame, check) = Frames[name];
        var bytes = Encoding.UTF8.GetBytes(frame);
        var buffer = SegmentedSequence.Split(bytes, [.. Enumerable.Range(1, bytes.Length - 1)]);

        Assert.True(RespReader.TryRead(buffer, out var value, out var consumed));

        check(value);
        Assert.Equal(buffer.End, consumed);
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Reads_frame_with_empty_segments_between_its_bytes(string name)
    {
        var (frame, check) = Frames[name];
        var segments = new List<byte[]> { Array.Empty<byte>() };
        foreach (var b in Encoding.UTF8.GetBytes(frame))
        {
            segments.Add([b]);
            segments.Add([]);
        }

        var buffer = SegmentedSequence.Create([.. segments]);

        Assert.True(RespReader.TryRead(buffer, out var value, out var consumed));
        check(value);
        Assert.Equal(buffer.Length, buffer.Slice(0, consumed).Length);
    }

    [Theory]
    [MemberData(nameof(FrameNames))]
    public void Every_proper_prefix_needs_more_data(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(Frames[name].Frame);
        for (var length = 0; length < bytes.Length; length++)
        {
            // Also split in two, so a prefix ending inside a second segment is covered.
            var prefix = bytes[..length];
            var whole = new ReadOnlySequence<byte>(prefix);
            Assert.False(RespReader.TryRead(whole, out _, out var consumed), $"prefix of {length} bytes");
            Assert.Equal(whole.Start, consumed);
            if (length > 1)
            {
                Assert.False(RespReader.TryRead(SegmentedSequence.Split(prefix, length / 2), out _, out _), $"split prefix of {length} bytes");
            }
        }
    }

    [Fact]
    public void Reads_pipelined_replies_one_at_a_time()
    {
        var bytes = "+OK\r\n:5\r\n$3\r\nabc\r\n*1\r\n+x\r\n"u8.ToArray();
        var buffer = SegmentedSequence.Split(bytes, 3, 9, 15);
        var values = new List<RespValue>();
        while (RespReader.TryRead(buffer, out var value, out var consumed))
        {
            values.Add(value);
            buffer = buffer.Slice(consumed);
        }

        Assert.Equal(4, values.Count);
        Assert.Equal("OK", values[0].AsString());
        Assert.Equal(5, values[1].AsInt64());
        Assert.Equal("abc", values[2].AsString());
        Assert.Equal("x", values[3][0].AsString());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Reads_binary_bulk_string_spread_over_many_segments()
    {
        var payload = new byte[100_000];
        new Random(42).NextBytes(payload);
        var header = Encoding.ASCII.GetBytes($"${payload.Length}\r\n");
        byte[] bytes = [.. header, .. payload, .. "\r\n"u8.ToArray()];
        var offsets = Enumerable.Range(1, (bytes.Length - 1) / 4096).Select(i => i * 4096).ToArray();

        Assert.True(RespReader.TryRead(SegmentedSequence.Split(bytes, offsets), out var value, out _));

        Assert.Equal(payload, value.AsBytes());
        Assert.False(RespReader.TryRead(SegmentedSequence.Split(bytes[..^1], offsets), out _, out _));
    }

    [Fact]
    public void Bulk_string_payload_is_copied_out_of_the_network_buffer()
    {
        var bytes = "$3\r\nabc\r\n"u8.ToArray();
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out var value, out _));

        bytes[4] = (byte)'X';

        Assert.Equal("abc", value.AsString());
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted()
    {
        var frame = string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth)) + ":1\r\n";
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(frame)), out var value, out _));
        for (var i = 0; i < RespReader.MaxDepth; i++)
        {
            value = value[0];
        }

        Assert.Equal(1, value.AsInt64());
    }

    public static TheoryData<string> Garbage =>
    [
        "H",
        "HELLO WORLD\r\n",
        "\r\n",
        "+OK\n",
        "+O\rK\r\n",
        ":12a\r\n",
        ":\r\n",
        ":-\r\n",
        ":99999999999999999999\r\n",
        ":9223372036854775808\r\n",
        ":" + new string('1', 40),
        "$abc\r\n",
        "$-2\r\n",
        "$5\r\nhello!!",
        "$3\r\nabcX\r\n",
        "$600000000\r\n",
        "*-2\r\n",
        "%4611686018427387904\r\n",
        "*9223372036854775807\r\n",
        "~-1\r\n",
        "%-1\r\n",
        "*x\r\n",
        "*1\r\nZ",
        "#x\r\n",
        "#tt\r\n",
        ",abc\r\n",
        ",\r\n",
        "(12a\r\n",
        "(\r\n",
        "_x\r\n",
        "=3\r\ntxt\r\n",
        "=8\r\ntxtXabcd\r\n",
        "!-1\r\n",
        "%1\r\n+a\r\n.\r\n",
        "*?\r\n:1\r\n.x\r\n",
        "%?\r\n+a\r\n.\r\n",
        "$?\r\n:4\r\n",
        "$?\r\n;-1\r\n",
        ".\r\n",
        ";4\r\n",
        "+" + new string('a', RespReader.MaxLineLength + 10),
        string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth + 1)) + ":1\r\n",
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_throws_a_protocol_exception(string frame)
    {
        var bytes = Encoding.ASCII.GetBytes(frame);
        Assert.Throws<RedisProtocolException>(() => RespReader.TryRead(new ReadOnlySequence<byte>(bytes), out _, out _));
        if (bytes.Length > 1)
        {
            Assert.Throws<RedisProtocolException>(() => RespReader.TryRead(SegmentedSequence.Split(bytes, bytes.Length / 2), out _, out _));
        }
    }

    [Fact]
    public void Random_bytes_either_parse_need_more_data_or_throw_a_protocol_exception()
    {
        var random = new Random(1234);
        var alphabet = "+-:$*_,#(!=%~>|.;?0123456789-\r\nabcinf"u8.ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(1, 40)];
            for (var j = 0; j < bytes.Length; j++)
            {
                bytes[j] = alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                var buffer = new ReadOnlySequence<byte>(bytes);
                if (RespReader.TryRead(buffer, out _, out var consumed))
                {
                    Assert.True(buffer.Slice(0, consumed).Length > 0);
                }
            }
            catch (RedisProtocolException)
            {
                // Expected for most inputs.
            }
        }
    }

    [Fact]
    public void Value_accessors_reject_the_wrong_kind()
    {
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>("*1\r\n:1\r\n"u8.ToArray()), out var array, out _));
        Assert.Throws<InvalidCastException>(() => array.AsString());
        Assert.Throws<InvalidCastException>(() => array.AsInt64());
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>("$3\r\nabc\r\n"u8.ToArray()), out var text, out _));
        Assert.Throws<InvalidCastException>(() => text.AsInt64());
        Assert.True(text.PayloadEquals("abc"u8));
        Assert.Equal(0, text.Count);
    }

    [Fact]
    public void Bulk_string_holding_a_number_reads_as_int64()
    {
        Assert.True(RespReader.TryRead(new ReadOnlySequence<byte>("$2\r\n42\r\n"u8.ToArray()), out var value, out _));
        Assert.Equal(42, value.AsInt64());
    }
}
