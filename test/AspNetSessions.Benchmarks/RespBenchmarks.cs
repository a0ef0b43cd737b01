using System.Buffers;
using System.Security.Claims;
using System.Text;
using AspNetSessions.Redis;
using AspNetSessions.Redis.Resp;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;
using BenchmarkDotNet.Attributes;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// Parsing typical Redis replies with <c>RespReader</c>: the find-and-slide reply (an array of the 9 session fields,
/// written with the store's own codec: a role claim and user-agent/IP metadata), then the same decoded into a
/// <see cref="SessionRecord"/>, a 64-byte bulk string, and an integer.
/// </summary>
[MemoryDiagnoser]
public class RespBenchmarks
{
    private ReadOnlySequence<byte> _findAndSlide;
    private ReadOnlySequence<byte> _bulk;
    private ReadOnlySequence<byte> _integer;

    [GlobalSetup]
    public void Setup()
    {
        var hasher = new TokenHasher([]);
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        var record = Fixtures.NewRecord("user-12345", hasher, keyMaterial, out _);
        record = record with
        {
            Session = record.Session with
            {
                Claims = [new SessionClaim(ClaimTypes.Role, "user")],
                Metadata = SessionMaps.Freeze(new Dictionary<string, string>
                {
                    [SessionMetadataKeys.UserAgent] = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                    [SessionMetadataKeys.IpAddress] = "203.0.113.7",
                }),
            },
        };
        var fields = new RedisArg[RedisSessionCodec.FieldCount];
        RedisSessionCodec.WriteFields(record, fields);
        var reply = new ArrayBufferWriter<byte>();
        RespWriter.WriteArrayHeader(reply, fields.Length);
        foreach (var field in fields)
        {
            RespWriter.WriteBulk(reply, field);
        }

        _findAndSlide = new ReadOnlySequence<byte>(reply.WrittenMemory.ToArray());
        var bulk = new ArrayBufferWriter<byte>();
        RespWriter.WriteBulk(bulk, new string('x', 64));
        _bulk = new ReadOnlySequence<byte>(bulk.WrittenMemory.ToArray());
        _integer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(":1\r\n"));
        if (DecodeSession() is not { } decoded || decoded.Session.Metadata.Count != 2 || ParseFindAndSlide() != RedisSessionCodec.FieldCount || ParseBulk() != 64 || ParseInteger() != 1)
        {
            throw new InvalidOperationException("The replies do not parse as expected.");
        }
    }

    [Benchmark(Baseline = true, Description = "find-and-slide reply (9 fields)")]
    public int ParseFindAndSlide() => Read(_findAndSlide).Count;

    [Benchmark(Description = "find-and-slide reply -> SessionRecord")]
    public SessionRecord? DecodeSession() => RedisSessionCodec.ReadRecord(Fixtures.Kind, "K9gGbyerm4WhmYpYUPrJXw", Read(_findAndSlide));

    [Benchmark(Description = "bulk string (64 bytes)")]
    public int ParseBulk() => Read(_bulk).Memory.Length;

    [Benchmark(Description = "integer")]
    public long ParseInteger() => Read(_integer).AsInt64();

    private static RespValue Read(in ReadOnlySequence<byte> buffer) =>
        RespReader.TryRead(buffer, out var value, out _) ? value : throw new InvalidOperationException("Incomplete reply.");
}
