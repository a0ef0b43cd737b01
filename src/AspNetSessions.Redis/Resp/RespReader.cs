using System.Buffers;
using System.Globalization;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// Parses RESP2 and RESP3 replies. <see cref="TryRead"/> returns false on an incomplete frame (the caller waits
/// for more bytes and calls again with the same start) and throws <see cref="RedisProtocolException"/> on bytes that
/// can never become a valid frame, so a misbehaving peer is detected instead of waited on forever.
/// </summary>
internal static class RespReader
{
    /// <summary>Largest bulk string accepted (Redis's own proto-max-bulk-len default).</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    /// <summary>Largest element count of one aggregate.</summary>
    public const long MaxAggregateLength = 1L << 26;

    /// <summary>Deepest nesting of aggregates accepted; Redis replies nest a handful of levels at most.</summary>
    public const int MaxDepth = 32;

    /// <summary>Longest simple string, error, double or big number line.</summary>
    public const int MaxLineLength = 64 * 1024;

    // Length/count headers and other short lines: "-9223372036854775808" is 20 bytes.
    private const int MaxHeaderLength = 32;

    private static readonly ReadOnlyMemory<byte> Ok = "OK"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Pong = "PONG"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Queued = "QUEUED"u8.ToArray();

    /// <summary>Reads one complete reply from the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Bytes received and not yet consumed.</param>
    /// <param name="value">The reply, when complete.</param>
    /// <param name="consumed">The position just past the reply, when complete; otherwise the buffer start.</param>
    /// <returns>True when a whole reply was read; false when more bytes are needed.</returns>
    /// <exception cref="RedisProtocolException">The bytes are not valid RESP.</exception>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, out RespValue value, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        value = default;
        consumed = buffer.Start;
        if (!reader.TryPeek(out var first))
        {
            return false;
        }

        // Aggregates are first checked for completeness without allocating, so that a large reply arriving in many
        // reads is not materialised (and thrown away) again on every read. Scalars check their length before copying.
        if (first is (byte)'*' or (byte)'%' or (byte)'~' or (byte)'>' or (byte)'|')
        {
            var scan = reader;
            if (!TryParse(ref scan, materialize: false, depth: 0, out _))
            {
                return false;
            }
        }

        if (!TryParse(ref reader, materialize: true, depth: 0, out value))
        {
            value = default;
            return false;
        }

        consumed = reader.Position;
        return true;
    }

    private static bool TryParse(ref SequenceReader<byte> reader, bool materialize, int depth, out RespValue value)
    {
        value = default;
        if (!reader.TryRead(out var type))
        {
            return false;
        }

        switch (type)
        {
            case (byte)'+':
                return TryReadSimple(ref reader, RespKind.SimpleString, materialize, out value);
            case (byte)'-':
                return TryReadSimple(ref reader, RespKind.Error, materialize, out value);
            case (byte)':':
            {
                if (!TryReadLine(ref reader, MaxHeaderLength, out var line))
                {
                    return false;
                }

                value = RespValue.Integer(ParseInteger(line, "integer"));
                return true;
            }

            case (byte)'$':
                return TryReadBulk(ref reader, RespKind.BulkString, materialize, allowStreamed: true, out value);
            case (byte)'!':
                return TryReadBulk(ref reader, RespKind.Error, materialize, allowStreamed: false, out value);
            case (byte)'=':
                return TryReadBulk(ref reader, RespKind.VerbatimString, materialize, allowStreamed: false, out value);
            case (byte)'*':
                return TryReadAggregate(ref reader, RespKind.Array, materialize, depth, out value);
            case (byte)'%':
                return TryReadAggregate(ref reader, RespKind.Map, materialize, depth, out value);
            case (byte)'~':
                return TryReadAggregate(ref reader, RespKind.Set, materialize, depth, out value);
            case (byte)'>':
                return TryReadAggregate(ref reader, RespKind.Push, materialize, depth, out value);
            case (byte)'_':
            {
                if (!TryReadLine(ref reader, MaxHeaderLength, out var line))
                {
                    return false;
                }

                if (!line.IsEmpty)
                {
                    throw new RedisProtocolException("Invalid RESP null: '_' must be followed by CRLF.");
                }

                value = RespValue.Null;
                return true;
            }

            case (byte)'#':
            {
                if (!TryReadLine(ref reader, MaxHeaderLength, out var line))
                {
                    return false;
                }

                var flag = line.Length == 1 ? ByteAt(line, 0) : (byte)0;
                if (flag is (byte)'t' or (byte)'f')
                {
                    value = RespValue.Boolean(flag == (byte)'t');
                    return true;
                }

                throw new RedisProtocolException("Invalid RESP boolean: expected '#t' or '#f'.");
            }

            case (byte)',':
            {
                if (!TryReadLine(ref reader, MaxLineLength, out var line))
                {
                    return false;
                }

                var text = line.ToArray();
                if (!TryParseDouble(text, out var d))
                {
                    throw new RedisProtocolException("Invalid RESP double.");
                }

                value = RespValue.Double(d, text);
                return true;
            }

            case (byte)'(':
            {
                if (!TryReadLine(ref reader, MaxLineLength, out var line))
                {
                    return false;
                }

                var text = line.ToArray();
                if (!IsBigNumber(text))
                {
                    throw new RedisProtocolException("Invalid RESP big number.");
                }

                value = RespValue.Scalar(RespKind.BigNumber, text);
                return true;
            }

            case (byte)'|':
            {
                // Attributes describe the reply that follows; nothing here needs them, so they are read and dropped.
                if (!TryReadAggregate(ref reader, RespKind.Map, materialize: false, depth, out _))
                {
                    return false;
                }

                return TryParse(ref reader, materialize, depth, out value);
            }

            default:
                throw new RedisProtocolException(
                    $"Invalid RESP: unexpected type byte 0x{type:X2}{(type is >= 0x20 and < 0x7F ? $" ('{(char)type}')" : string.Empty)}.");
        }
    }

    private static bool TryReadSimple(ref SequenceReader<byte> reader, RespKind kind, bool materialize, out RespValue value)
    {
        value = default;
        if (!TryReadLine(ref reader, MaxLineLength, out var line))
        {
            return false;
        }

        if (materialize)
        {
            value = RespValue.Scalar(kind, kind == RespKind.SimpleString ? Intern(line) : line.ToArray());
        }

        return true;
    }

    private static ReadOnlyMemory<byte> Intern(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            var span = line.FirstSpan;
            if (span.SequenceEqual(Ok.Span))
            {
                return Ok;
            }

            if (span.SequenceEqual(Pong.Span))
            {
                return Pong;
            }

            if (span.SequenceEqual(Queued.Span))
            {
                return Queued;
            }
        }

        return line.ToArray();
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, RespKind kind, bool materialize, bool allowStreamed, out RespValue value)
    {
        value = default;
        if (!TryReadLine(ref reader, MaxHeaderLength, out var header))
        {
            return false;
        }

        if (allowStreamed && IsQuestionMark(header))
        {
            return TryReadStreamedBulk(ref reader, materialize, out value);
        }

        var length = ParseInteger(header, "bulk length");
        if (length == -1 && kind == RespKind.BulkString)
        {
            value = RespValue.Null;
            return true;
        }

        if (length is < 0 or > MaxBulkLength)
        {
            throw new RedisProtocolException($"Invalid RESP bulk length {length} (allowed 0..{MaxBulkLength}).");
        }

        if (kind == RespKind.VerbatimString && length < 4)
        {
            throw new RedisProtocolException("Invalid RESP verbatim string: shorter than its 'xxx:' format prefix.");
        }

        if (reader.Remaining < length + 2)
        {
            // Validate what can already be validated so garbage is caught early, then wait.
            return false;
        }

        ReadOnlyMemory<byte> payload = default;
        if (materialize && length > 0)
        {
            var bytes = GC.AllocateUninitializedArray<byte>((int)length);
            reader.TryCopyTo(bytes);
            payload = bytes;
        }

        reader.Advance(length);
        if (!TryReadCrlf(ref reader))
        {
            return false;
        }

        if (kind == RespKind.VerbatimString && materialize && payload.Span[3] != (byte)':')
        {
            throw new RedisProtocolException("Invalid RESP verbatim string: expected 'xxx:' format prefix.");
        }

        value = RespValue.Scalar(kind, payload);
        return true;
    }

    private static bool TryReadStreamedBulk(ref SequenceReader<byte> reader, bool materialize, out RespValue value)
    {
        // $?\r\n then ;<len>\r\n<bytes>\r\n chunks until ;0\r\n.
        value = default;
        ArrayBufferWriter<byte>? collected = materialize ? new ArrayBufferWriter<byte>() : null;
        long total = 0;
        while (true)
        {
            if (!reader.TryRead(out var marker))
            {
                return false;
            }

            if (marker != (byte)';')
            {
                throw new RedisProtocolException("Invalid RESP streamed string: expected ';' chunk header.");
            }

            if (!TryReadLine(ref reader, MaxHeaderLength, out var header))
            {
                return false;
            }

            var length = ParseInteger(header, "chunk length");
            if (length < 0 || total + length > MaxBulkLength)
            {
                throw new RedisProtocolException("Invalid RESP streamed string chunk length.");
            }

            if (length == 0)
            {
                value = RespValue.Scalar(RespKind.BulkString, collected is null ? default : collected.WrittenMemory);
                return true;
            }

            if (reader.Remaining < length + 2)
            {
                return false;
            }

            if (collected is not null)
            {
                var span = collected.GetSpan((int)length)[..(int)length];
                reader.TryCopyTo(span);
                collected.Advance((int)length);
            }

            reader.Advance(length);
            total += length;
            if (!TryReadCrlf(ref reader))
            {
                return false;
            }
        }
    }

    private static bool TryReadAggregate(ref SequenceReader<byte> reader, RespKind kind, bool materialize, int depth, out RespValue value)
    {
        value = default;
        if (!TryReadLine(ref reader, MaxHeaderLength, out var header))
        {
            return false;
        }

        if (depth >= MaxDepth)
        {
            throw new RedisProtocolException($"Invalid RESP: aggregates nested deeper than {MaxDepth} levels.");
        }

        if (IsQuestionMark(header) && kind != RespKind.Push)
        {
            return TryReadStreamedAggregate(ref reader, kind, materialize, depth, out value);
        }

        var count = ParseInteger(header, "aggregate length");
        if (count == -1 && kind == RespKind.Array)
        {
            value = RespValue.Null;
            return true;
        }

        var perEntry = kind == RespKind.Map ? 2 : 1;
        if (count < 0 || count > MaxAggregateLength / perEntry)
        {
            throw new RedisProtocolException($"Invalid RESP aggregate length {count}.");
        }

        var length = (int)(count * perEntry);
        var items = materialize ? (length == 0 ? [] : new RespValue[length]) : null;
        for (var i = 0; i < length; i++)
        {
            if (!TryParse(ref reader, materialize, depth + 1, out var item))
            {
                return false;
            }

            if (items is not null)
            {
                items[i] = item;
            }
        }

        if (items is not null)
        {
            value = RespValue.Aggregate(kind, items);
        }

        return true;
    }

    private static bool TryReadStreamedAggregate(ref SequenceReader<byte> reader, RespKind kind, bool materialize, int depth, out RespValue value)
    {
        // *?\r\n (or %?, ~?) then elements until ".\r\n".
        value = default;
        var items = materialize ? new List<RespValue>() : null;
        long count = 0;
        while (true)
        {
            if (!reader.TryPeek(out var next))
            {
                return false;
            }

            if (next == (byte)'.')
            {
                reader.Advance(1);
                if (!TryReadLine(ref reader, MaxHeaderLength, out var end))
                {
                    return false;
                }

                if (!end.IsEmpty)
                {
                    throw new RedisProtocolException("Invalid RESP: '.' end marker must be followed by CRLF.");
                }

                if (kind == RespKind.Map && count % 2 != 0)
                {
                    throw new RedisProtocolException("Invalid RESP streamed map: odd number of elements.");
                }

                if (items is not null)
                {
                    value = RespValue.Aggregate(kind, [.. items]);
                }

                return true;
            }

            if (++count > MaxAggregateLength)
            {
                throw new RedisProtocolException("Invalid RESP streamed aggregate: too many elements.");
            }

            if (!TryParse(ref reader, materialize, depth + 1, out var item))
            {
                return false;
            }

            items?.Add(item);
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, int maxLength, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, (byte)'\n', advancePastDelimiter: true))
        {
            if (reader.Remaining > maxLength + 1)
            {
                throw new RedisProtocolException($"Invalid RESP: line longer than {maxLength} bytes.");
            }

            return false;
        }

        if (line.Length > maxLength + 1)
        {
            throw new RedisProtocolException($"Invalid RESP: line longer than {maxLength} bytes.");
        }

        if (line.IsEmpty || !EndsWithCr(line))
        {
            throw new RedisProtocolException("Invalid RESP: line feed without carriage return.");
        }

        line = line.Slice(0, line.Length - 1);
        if (line.PositionOf((byte)'\r') is not null)
        {
            throw new RedisProtocolException("Invalid RESP: carriage return inside a line.");
        }

        return true;
    }

    private static bool EndsWithCr(in ReadOnlySequence<byte> line) => ByteAt(line, line.Length - 1) == (byte)'\r';

    // Robust to empty segments, which a sliced sequence may start with.
    private static byte ByteAt(in ReadOnlySequence<byte> sequence, long index)
    {
        Span<byte> one = stackalloc byte[1];
        sequence.Slice(index, 1).CopyTo(one);
        return one[0];
    }

    private static bool TryReadCrlf(ref SequenceReader<byte> reader)
    {
        if (!reader.TryPeek(out var cr))
        {
            return false;
        }

        if (cr != (byte)'\r')
        {
            throw new RedisProtocolException("Invalid RESP: payload not followed by CRLF.");
        }

        if (!reader.TryPeek(1, out var lf))
        {
            return false;
        }

        if (lf != (byte)'\n')
        {
            throw new RedisProtocolException("Invalid RESP: payload not followed by CRLF.");
        }

        reader.Advance(2);
        return true;
    }

    private static bool IsQuestionMark(in ReadOnlySequence<byte> line) => line.Length == 1 && ByteAt(line, 0) == (byte)'?';

    private static long ParseInteger(in ReadOnlySequence<byte> line, string what)
    {
        Span<byte> buffer = stackalloc byte[MaxHeaderLength];
        var length = (int)line.Length;
        line.CopyTo(buffer);
        var span = buffer[..length];
        var negative = span.Length > 0 && span[0] == (byte)'-';
        if (negative || (span.Length > 0 && span[0] == (byte)'+'))
        {
            span = span[1..];
        }

        if (span.IsEmpty || span.Length > 19)
        {
            throw new RedisProtocolException($"Invalid RESP {what}.");
        }

        ulong result = 0;
        foreach (var b in span)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                throw new RedisProtocolException($"Invalid RESP {what}.");
            }

            result = (result * 10) + digit;
        }

        if (result > (negative ? (ulong)long.MaxValue + 1 : long.MaxValue))
        {
            throw new RedisProtocolException($"Invalid RESP {what}: out of range.");
        }

        return negative ? (long)(0 - result) : (long)result;
    }

    private static bool IsBigNumber(ReadOnlySpan<byte> text)
    {
        if (!text.IsEmpty && text[0] is (byte)'-' or (byte)'+')
        {
            text = text[1..];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a RESP3 double (or a Redis number reply text): decimal, exponent, <c>inf</c>, <c>-inf</c>, <c>nan</c>.</summary>
    /// <param name="text">ASCII text.</param>
    /// <param name="value">The parsed value.</param>
    internal static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        if (text.IsEmpty || text.Length > 512)
        {
            value = 0;
            return false;
        }

        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = (char)text[i];
        }

        switch (chars)
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan" or "-nan":
                value = double.NaN;
                return true;
        }

        return double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !double.IsNaN(value);
    }
}
