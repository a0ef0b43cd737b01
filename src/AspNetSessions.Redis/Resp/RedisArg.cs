namespace AspNetSessions.Redis.Resp;

/// <summary>
/// One command argument, written as a RESP bulk string: UTF-8 text, raw bytes (written as given, never copied
/// first), or an integer (written in decimal). Implicit conversions keep call sites short.
/// </summary>
internal readonly struct RedisArg
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _integer;
    private readonly byte _kind; // 0 = bytes, 1 = text, 2 = integer

    /// <summary>A text argument, encoded as UTF-8.</summary>
    /// <param name="text">The text; null is written as an empty string.</param>
    public RedisArg(string? text)
    {
        _text = text ?? string.Empty;
        _kind = 1;
    }

    /// <summary>A binary argument, written as is.</summary>
    /// <param name="bytes">The bytes; the caller keeps them unchanged until the command has been sent.</param>
    public RedisArg(ReadOnlyMemory<byte> bytes)
    {
        _bytes = bytes;
        _kind = 0;
    }

    /// <summary>An integer argument, written in decimal.</summary>
    /// <param name="value">The value.</param>
    public RedisArg(long value)
    {
        _integer = value;
        _kind = 2;
    }

    /// <summary>True when this argument is text.</summary>
    public bool IsText => _kind == 1;

    /// <summary>True when this argument is an integer.</summary>
    public bool IsInteger => _kind == 2;

    /// <summary>The text of a text argument, otherwise null.</summary>
    public string? Text => _kind == 1 ? _text : null;

    /// <summary>The bytes of a binary argument, otherwise empty.</summary>
    public ReadOnlyMemory<byte> Bytes => _kind == 0 ? _bytes : default;

    /// <summary>The value of an integer argument, otherwise 0.</summary>
    public long Integer => _kind == 2 ? _integer : 0;

    /// <summary>Converts text.</summary>
    /// <param name="text">The text.</param>
    public static implicit operator RedisArg(string? text) => new(text);

    /// <summary>Converts bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    public static implicit operator RedisArg(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>Converts bytes.</summary>
    /// <param name="bytes">The bytes.</param>
    public static implicit operator RedisArg(byte[] bytes) => new(new ReadOnlyMemory<byte>(bytes));

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator RedisArg(long value) => new(value);

    /// <summary>Converts an integer.</summary>
    /// <param name="value">The value.</param>
    public static implicit operator RedisArg(int value) => new(value);

    /// <summary>Creates a text argument (named alternative to the implicit conversion).</summary>
    /// <param name="text">The text.</param>
    public static RedisArg FromString(string? text) => new(text);

    /// <summary>Creates a binary argument (named alternative to the implicit conversion).</summary>
    /// <param name="bytes">The bytes.</param>
    public static RedisArg FromBytes(ReadOnlyMemory<byte> bytes) => new(bytes);

    /// <summary>Creates an integer argument (named alternative to the implicit conversion).</summary>
    /// <param name="value">The value.</param>
    public static RedisArg FromInt64(long value) => new(value);

    /// <summary>Describes the argument's kind and size, never its content (arguments may be secrets).</summary>
    public override string ToString() => _kind switch
    {
        1 => $"text({_text!.Length} chars)",
        2 => "integer",
        _ => $"bytes({_bytes.Length})",
    };
}
