using System.Buffers;
using System.Globalization;
using System.Text;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// Writes commands the way Redis expects them from clients: a RESP array of bulk strings
/// (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>), straight into the output buffer with no intermediate copies.
/// </summary>
internal static class RespWriter
{
    private const int HeaderMaxLength = 1 + 20 + 2; // marker, digits, CRLF

    /// <summary>Writes <paramref name="command"/> followed by <paramref name="args"/>.</summary>
    /// <param name="writer">The output buffer.</param>
    /// <param name="command">The command name, e.g. <c>GET</c>.</param>
    /// <param name="args">The arguments.</param>
    public static void WriteCommand(IBufferWriter<byte> writer, string command, ReadOnlySpan<RedisArg> args)
    {
        WriteArrayHeader(writer, 1 + args.Length);
        WriteBulk(writer, command);
        foreach (ref readonly var arg in args)
        {
            WriteBulk(writer, in arg);
        }
    }

    /// <summary>Writes <c>*count\r\n</c>.</summary>
    /// <param name="writer">The output buffer.</param>
    /// <param name="count">The number of bulk strings that follow.</param>
    public static void WriteArrayHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, (byte)'*', count);

    /// <summary>Writes one argument as a bulk string.</summary>
    /// <param name="writer">The output buffer.</param>
    /// <param name="arg">The argument.</param>
    public static void WriteBulk(IBufferWriter<byte> writer, in RedisArg arg)
    {
        if (arg.IsText)
        {
            WriteBulk(writer, arg.Text!);
        }
        else if (arg.IsInteger)
        {
            var value = arg.Integer;
            var digits = DigitCount(value);
            var span = writer.GetSpan(HeaderMaxLength + digits + 2);
            var n = FormatHeader(span, (byte)'$', digits);
            value.TryFormat(span[n..], out var written, default, CultureInfo.InvariantCulture);
            n += written;
            span[n++] = (byte)'\r';
            span[n++] = (byte)'\n';
            writer.Advance(n);
        }
        else
        {
            WriteBulk(writer, arg.Bytes.Span);
        }
    }

    /// <summary>Writes UTF-8 text as a bulk string.</summary>
    /// <param name="writer">The output buffer.</param>
    /// <param name="text">The text.</param>
    public static void WriteBulk(IBufferWriter<byte> writer, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        WriteHeader(writer, (byte)'$', length);
        if (length > 0)
        {
            Encoding.UTF8.GetBytes(text.AsSpan(), writer);
        }

        WriteCrlf(writer);
    }

    /// <summary>Writes raw bytes as a bulk string.</summary>
    /// <param name="writer">The output buffer.</param>
    /// <param name="bytes">The bytes.</param>
    public static void WriteBulk(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        WriteHeader(writer, (byte)'$', bytes.Length);
        writer.Write(bytes);
        WriteCrlf(writer);
    }

    /// <summary>The number of characters of <paramref name="value"/> in decimal, sign included.</summary>
    /// <param name="value">The value.</param>
    internal static int DigitCount(long value)
    {
        if (value == long.MinValue)
        {
            return 20;
        }

        var count = value < 0 ? 2 : 1;
        var magnitude = (ulong)Math.Abs(value);
        while (magnitude >= 10)
        {
            magnitude /= 10;
            count++;
        }

        return count;
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte marker, long value)
    {
        var span = writer.GetSpan(HeaderMaxLength);
        writer.Advance(FormatHeader(span, marker, value));
    }

    private static int FormatHeader(Span<byte> span, byte marker, long value)
    {
        span[0] = marker;
        value.TryFormat(span[1..], out var written, default, CultureInfo.InvariantCulture);
        span[1 + written] = (byte)'\r';
        span[2 + written] = (byte)'\n';
        return written + 3;
    }

    private static void WriteCrlf(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        writer.Advance(2);
    }
}
