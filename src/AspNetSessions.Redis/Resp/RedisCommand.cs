using System.Buffers;

namespace AspNetSessions.Redis.Resp;

/// <summary>
/// A command ready to be written: its name, up to two inline leading arguments and two argument lists. The inline
/// slots let <c>EVALSHA sha numkeys keys... args...</c> be sent without allocating a combined argument array.
/// </summary>
internal readonly struct RedisCommand
{
    private readonly RedisArg _prefix0;
    private readonly RedisArg _prefix1;
    private readonly int _prefixCount;
    private readonly ReadOnlyMemory<RedisArg> _args;
    private readonly ReadOnlyMemory<RedisArg> _moreArgs;

    /// <summary>A command with one argument list.</summary>
    /// <param name="name">The command name, e.g. <c>GET</c>.</param>
    /// <param name="args">The arguments.</param>
    public RedisCommand(string name, ReadOnlyMemory<RedisArg> args)
    {
        Name = name;
        _args = args;
    }

    /// <summary>A command shaped like <c>EVALSHA</c>: two leading arguments, then two argument lists.</summary>
    /// <param name="name">The command name.</param>
    /// <param name="prefix0">First argument.</param>
    /// <param name="prefix1">Second argument.</param>
    /// <param name="args">Arguments after the two leading ones.</param>
    /// <param name="moreArgs">Arguments after <paramref name="args"/>.</param>
    public RedisCommand(string name, RedisArg prefix0, RedisArg prefix1, ReadOnlyMemory<RedisArg> args, ReadOnlyMemory<RedisArg> moreArgs)
    {
        Name = name;
        _prefix0 = prefix0;
        _prefix1 = prefix1;
        _prefixCount = 2;
        _args = args;
        _moreArgs = moreArgs;
    }

    /// <summary>The command name; safe to log (arguments are not).</summary>
    public string Name { get; }

    /// <summary>Writes the command as a RESP array of bulk strings.</summary>
    /// <param name="writer">The output buffer.</param>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        RespWriter.WriteArrayHeader(writer, 1 + _prefixCount + _args.Length + _moreArgs.Length);
        RespWriter.WriteBulk(writer, Name);
        if (_prefixCount > 0)
        {
            RespWriter.WriteBulk(writer, in _prefix0);
            RespWriter.WriteBulk(writer, in _prefix1);
        }

        foreach (ref readonly var arg in _args.Span)
        {
            RespWriter.WriteBulk(writer, in arg);
        }

        foreach (ref readonly var arg in _moreArgs.Span)
        {
            RespWriter.WriteBulk(writer, in arg);
        }
    }
}
