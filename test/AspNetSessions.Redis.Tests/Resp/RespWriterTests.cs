using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using AspNetSessions.Redis.Resp;

namespace AspNetSessions.Redis.Tests.Resp;

public sealed class RespWriterTests
{
    private static string Write(string command, params RedisArg[] args)
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(writer, command, args);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }

    [Fact]
    public void Writes_command_without_arguments()
    {
        Assert.Equal("*1\r\n$4\r\nPING\r\n", Write("PING"));
    }

    [Fact]
    public void Writes_text_bytes_and_integers_as_bulk_strings()
    {
        Assert.Equal(
            "*5\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\n\u0001\u0002\u0003\r\n$2\r\nPX\r\n$4\r\n1500\r\n",
            Write("SET", "key", new byte[] { 1, 2, 3 }, "PX", 1500L));
    }

    [Fact]
    public void Writes_utf8_text_with_its_byte_length()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(writer, "ECHO", [(RedisArg)"héllo €"]);
        Assert.Equal([.. "*2\r\n$4\r\nECHO\r\n$10\r\n"u8.ToArray(), .. Encoding.UTF8.GetBytes("héllo €"), .. "\r\n"u8.ToArray()], writer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(-1L, "-1")]
    [InlineData(9L, "9")]
    [InlineData(10L, "10")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    public void Writes_integers_in_decimal(long value, string expected)
    {
        Assert.Equal($"*2\r\n$4\r\nECHO\r\n${expected.Length}\r\n{expected}\r\n", Write("ECHO", value));
    }

    [Fact]
    public void Writes_empty_and_null_text_as_empty_bulk_strings()
    {
        Assert.Equal("*3\r\n$4\r\nECHO\r\n$0\r\n\r\n$0\r\n\r\n", Write("ECHO", string.Empty, (string?)null));
    }

    [Fact]
    public void Writes_binary_argument_from_a_slice_without_copying_the_rest()
    {
        var buffer = "xxabcxx"u8.ToArray();
        Assert.Equal("*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n", Write("ECHO", new ReadOnlyMemory<byte>(buffer, 2, 3)));
    }

    [Fact]
    public void Writes_evalsha_layout_from_inline_prefix_and_two_lists()
    {
        var writer = new ArrayBufferWriter<byte>();
        RedisArg[] keys = ["k1", "k2"];
        RedisArg[] args = [7];
        new RedisCommand("EVALSHA", "abc", keys.Length, keys, args).WriteTo(writer);
        Assert.Equal(
            "*6\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n$1\r\n2\r\n$2\r\nk1\r\n$2\r\nk2\r\n$1\r\n7\r\n",
            Encoding.UTF8.GetString(writer.WrittenSpan));
    }

    [Fact]
    public async Task Writes_large_values_into_a_pipe_across_segments()
    {
        var pipe = new Pipe();
        var value = new byte[200_000];
        new Random(7).NextBytes(value);
        var text = new string('é', 50_000);
        RespWriter.WriteCommand(pipe.Writer, "SET", ["k", value, text]);
        await pipe.Writer.CompleteAsync();

        var result = await pipe.Reader.ReadAsync();
        while (!result.IsCompleted)
        {
            pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await pipe.Reader.ReadAsync();
        }

        // The writer's output is itself valid RESP: read it back.
        Assert.True(RespReader.TryRead(result.Buffer, out var command, out var consumed));
        Assert.Equal(result.Buffer.End, consumed);
        Assert.Equal(4, command.Count);
        Assert.Equal("SET", command[0].AsString());
        Assert.Equal(value, command[2].AsBytes());
        Assert.Equal(text, command[3].AsString());
        pipe.Reader.AdvanceTo(result.Buffer.End);
    }

    [Fact]
    public void Arguments_never_show_their_content()
    {
        Assert.DoesNotContain("secret", ((RedisArg)"secret").ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("115", ((RedisArg)"secret"u8.ToArray()).ToString(), StringComparison.Ordinal);
    }
}
