using System.Globalization;
using System.Text;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// One reply from Redis. A small immutable struct: scalar payloads are kept as bytes (copied out of the network
/// buffer once), integers and doubles inline, aggregates as an array of values. RESP3 maps are flattened into
/// <see cref="Items"/> as key, value, key, value, so code written for RESP2 arrays reads them unchanged.
/// </summary>
internal readonly struct RespValue
{
    private static readonly RespValue[] EmptyItems = [];

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly RespValue[]? _items;
    private readonly long _integer;

    private RespValue(RespKind kind, ReadOnlyMemory<byte> bytes, RespValue[]? items, long integer)
    {
        Kind = kind;
        _bytes = bytes;
        _items = items;
        _integer = integer;
    }

    /// <summary>The null reply (<c>$-1</c>, <c>*-1</c>, <c>_</c>).</summary>
    public static RespValue Null { get; } = new(RespKind.Null, default, null, 0);

    /// <summary>What kind of reply this is.</summary>
    public RespKind Kind { get; }

    /// <summary>True for every null form.</summary>
    public bool IsNull => Kind == RespKind.Null;

    /// <summary>True for an error reply (<c>-</c> or <c>!</c>).</summary>
    public bool IsError => Kind == RespKind.Error;

    /// <summary>True for arrays, maps, sets and pushes.</summary>
    public bool IsAggregate => Kind is RespKind.Array or RespKind.Map or RespKind.Set or RespKind.Push;

    /// <summary>
    /// The elements of an aggregate (a map's keys and values alternate); empty for a null or a scalar.
    /// </summary>
    public ReadOnlySpan<RespValue> Items => _items ?? EmptyItems;

    /// <summary>The same elements as <see cref="Items"/>, as memory that can be kept across <c>await</c>s.</summary>
    public ReadOnlyMemory<RespValue> ItemsMemory => _items;

    /// <summary>The number of elements in <see cref="Items"/>.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>Element <paramref name="index"/> of an aggregate.</summary>
    /// <param name="index">Zero-based index.</param>
    public RespValue this[int index] => Items[index];

    /// <summary>
    /// The raw payload bytes of a scalar: the text of a simple string, error, big number or double, the body of a
    /// bulk or verbatim string (without its <c>txt:</c> prefix); empty for null, integer, boolean and aggregates.
    /// </summary>
    public ReadOnlyMemory<byte> Memory => Kind == RespKind.VerbatimString ? _bytes[4..] : _bytes;

    /// <summary>The three-letter format of a verbatim string (<c>txt</c>, <c>mkd</c>), otherwise null.</summary>
    public string? VerbatimFormat => Kind == RespKind.VerbatimString ? Encoding.ASCII.GetString(_bytes.Span[..3]) : null;

    internal static RespValue Scalar(RespKind kind, ReadOnlyMemory<byte> bytes) => new(kind, bytes, null, 0);

    internal static RespValue Integer(long value) => new(RespKind.Integer, default, null, value);

    internal static RespValue Boolean(bool value) => new(RespKind.Boolean, default, null, value ? 1 : 0);

    internal static RespValue Double(double value, ReadOnlyMemory<byte> text) =>
        new(RespKind.Double, text, null, BitConverter.DoubleToInt64Bits(value));

    internal static RespValue Aggregate(RespKind kind, RespValue[] items) => new(kind, default, items, 0);

    /// <summary>A copy of the payload (see <see cref="Memory"/>), or null for a null reply.</summary>
    public byte[]? AsBytes() => IsNull ? null : Memory.ToArray();

    /// <summary>
    /// The reply as text: the UTF-8 payload of a string-like reply, the decimal form of a number, <c>true</c>/<c>false</c>
    /// for a boolean; null for a null reply. Throws for an aggregate.
    /// </summary>
    public string? AsString() => Kind switch
    {
        RespKind.Null => null,
        RespKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespKind.Boolean => _integer != 0 ? "true" : "false",
        RespKind.SimpleString or RespKind.Error or RespKind.BulkString or RespKind.VerbatimString
            or RespKind.BigNumber or RespKind.Double => Encoding.UTF8.GetString(Memory.Span),
        _ => throw new InvalidCastException($"A RESP {Kind} reply cannot be read as a string."),
    };

    /// <summary>
    /// The reply as a 64-bit integer: an integer reply, or a string/bulk/big number holding a decimal integer
    /// (Redis returns e.g. <c>GET</c> of a counter as a bulk string). Throws when it is none of these.
    /// </summary>
    public long AsInt64()
    {
        switch (Kind)
        {
            case RespKind.Integer:
            case RespKind.Boolean:
                return _integer;
            case RespKind.SimpleString:
            case RespKind.BulkString:
            case RespKind.BigNumber:
            case RespKind.VerbatimString:
                if (System.Buffers.Text.Utf8Parser.TryParse(Memory.Span, out long value, out var consumed) && consumed == Memory.Length)
                {
                    return value;
                }

                break;
        }

        throw new InvalidCastException($"A RESP {Kind} reply is not an integer.");
    }

    /// <summary>The reply as a double: a RESP3 double, an integer, or a string holding a number (<c>inf</c> included).</summary>
    public double AsDouble()
    {
        switch (Kind)
        {
            case RespKind.Double:
                return BitConverter.Int64BitsToDouble(_integer);
            case RespKind.Integer:
                return _integer;
            case RespKind.SimpleString:
            case RespKind.BulkString:
            case RespKind.BigNumber:
                if (RespReader.TryParseDouble(Memory.Span, out var d))
                {
                    return d;
                }

                break;
        }

        throw new InvalidCastException($"A RESP {Kind} reply is not a number.");
    }

    /// <summary>The reply as a boolean: RESP3 <c>#t</c>/<c>#f</c>, or an integer (non-zero is true).</summary>
    public bool AsBoolean() => Kind is RespKind.Boolean or RespKind.Integer
        ? _integer != 0
        : throw new InvalidCastException($"A RESP {Kind} reply is not a boolean.");

    /// <summary>True when this is a string-like reply whose payload equals the ASCII/UTF-8 bytes <paramref name="text"/>.</summary>
    /// <param name="text">The expected payload, e.g. <c>"OK"u8</c>.</param>
    public bool PayloadEquals(ReadOnlySpan<byte> text) =>
        (Kind is RespKind.SimpleString or RespKind.BulkString or RespKind.Error or RespKind.VerbatimString)
        && Memory.Span.SequenceEqual(text);

    /// <summary>A debugging view; payloads are shown, so never log it for replies that may carry secrets.</summary>
    public override string ToString() => Kind switch
    {
        RespKind.None => "(none)",
        RespKind.Null => "(null)",
        RespKind.Array or RespKind.Map or RespKind.Set or RespKind.Push => $"{Kind}[{Count}]",
        RespKind.Double => AsDouble().ToString(CultureInfo.InvariantCulture),
        _ => $"{Kind}: {AsString()}",
    };
}
