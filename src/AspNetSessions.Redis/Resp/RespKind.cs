namespace AspNetSessions.Redis.Resp;

/// <summary>The kind of a RESP reply value. RESP2 kinds come first; the rest only arrive over RESP3.</summary>
internal enum RespKind : byte
{
    /// <summary>The default value of <see cref="RespValue"/>: no reply.</summary>
    None = 0,

    /// <summary><c>+OK</c>.</summary>
    SimpleString,

    /// <summary><c>-ERR ...</c> or the RESP3 blob error <c>!</c>.</summary>
    Error,

    /// <summary><c>:42</c>.</summary>
    Integer,

    /// <summary><c>$3\r\nfoo</c>.</summary>
    BulkString,

    /// <summary><c>*2 ...</c>.</summary>
    Array,

    /// <summary><c>$-1</c>, <c>*-1</c> or the RESP3 <c>_</c>.</summary>
    Null,

    /// <summary>RESP3 <c>,3.14</c> (also <c>inf</c>, <c>-inf</c>, <c>nan</c>).</summary>
    Double,

    /// <summary>RESP3 <c>#t</c> / <c>#f</c>.</summary>
    Boolean,

    /// <summary>RESP3 <c>(12345678901234567890</c>; kept as its decimal text.</summary>
    BigNumber,

    /// <summary>RESP3 <c>=15\r\ntxt:Some string</c>.</summary>
    VerbatimString,

    /// <summary>RESP3 <c>%2 ...</c>; <see cref="RespValue.Items"/> holds key, value, key, value, ...</summary>
    Map,

    /// <summary>RESP3 <c>~3 ...</c>.</summary>
    Set,

    /// <summary>RESP3 out-of-band <c>&gt;2 ...</c>.</summary>
    Push,
}
