using System.Security.Cryptography;
using AspNetSessions.Stores;
using AspNetSessions.Tokens;

namespace AspNetSessions.Tests.Unit;

public sealed class SessionTokenCodecTests
{
    private readonly SessionTokenCodec _codec = new("sess");

    [Fact]
    public void A_token_has_the_prefix_and_a_fixed_url_safe_shape()
    {
        var token = NewToken(out _);

        Assert.StartsWith("sess_", token, StringComparison.Ordinal);
        Assert.Equal(_codec.TokenLength, token.Length);
        Assert.Equal(5 + 70, token.Length);
        Assert.Matches("^sess_[A-Za-z0-9_-]{70}$", token);
    }

    [Fact]
    public void Parsing_returns_the_id_and_secret_that_were_formatted()
    {
        var token = NewToken(out var keyMaterial);
        var parsed = new byte[SessionTokenCodec.KeyMaterialBytes];

        Assert.True(_codec.TryParse(token, parsed));
        Assert.Equal(keyMaterial, parsed);
    }

    [Fact]
    public void The_session_id_starts_with_the_user_group()
    {
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        SessionTokenCodec.Generate("alice", keyMaterial);
        var id = SessionTokenCodec.GetSessionId(keyMaterial);

        Assert.Equal(22, id.Length);
        Assert.StartsWith(SessionIds.UserGroupOfUser("alice"), id, StringComparison.Ordinal);
        Assert.Equal(SessionIds.UserGroupOfUser("alice"), SessionIds.UserGroupOfSession(id));
        Assert.NotEqual(SessionIds.UserGroupOfUser("alice"), SessionIds.UserGroupOfUser("bob"));
        Assert.True(SessionTokenCodec.IsSessionId(id));
    }

    [Fact]
    public void Secrets_are_random_and_never_repeat()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => NewToken(out byte[] _)).ToHashSet();
        Assert.Equal(1000, tokens.Count);
    }

    [Fact]
    public void Every_single_character_change_is_rejected_before_any_io()
    {
        var token = NewToken(out _);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var buffer = new byte[SessionTokenCodec.KeyMaterialBytes];
        var accepted = 0;
        for (var i = 0; i < token.Length; i++)
        {
            foreach (var c in alphabet)
            {
                if (c == token[i])
                {
                    continue;
                }

                var mutated = string.Concat(token.AsSpan(0, i), c.ToString(), token.AsSpan(i + 1));
                accepted += _codec.TryParse(mutated, buffer) ? 1 : 0;
            }
        }

        Assert.Equal(0, accepted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sess_")]
    [InlineData("sess")]
    [InlineData("Bearer")]
    [InlineData("key_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA AA")]
    [InlineData("sess_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/")]
    [InlineData("sess_ÄAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sess_\0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_rejected(string token)
    {
        Assert.False(_codec.TryParse(token, new byte[SessionTokenCodec.KeyMaterialBytes]));
    }

    [Fact]
    public void A_token_with_another_prefix_or_length_is_rejected()
    {
        var token = NewToken(out _);
        var buffer = new byte[SessionTokenCodec.KeyMaterialBytes];

        Assert.False(new SessionTokenCodec("key").TryParse(string.Concat("key", token.AsSpan(4)), buffer));
        Assert.False(_codec.TryParse(token + "A", buffer));
        Assert.False(_codec.TryParse(string.Concat(" ", token.AsSpan(0, token.Length - 1)), buffer));
        Assert.False(_codec.TryParse(token.ToUpperInvariant(), buffer));
        Assert.False(_codec.TryParse(" " + token[..^1], buffer));
    }

    [Fact]
    public void The_last_character_has_exactly_one_spelling()
    {
        var token = NewToken(out _);
        var buffer = new byte[SessionTokenCodec.KeyMaterialBytes];
        // Characters that differ only in the 4 spare bits decode to the same bytes: all but the canonical one are refused.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var canonical = alphabet.IndexOf(token[^1], StringComparison.Ordinal);
        var sameBytes = Enumerable.Range(0, 64).Where(v => v >> 4 == canonical >> 4 && v != canonical);
        Assert.All(sameBytes, v => Assert.False(_codec.TryParse(token[..^1] + alphabet[v], buffer)));
    }

    [Fact]
    public void Parsing_never_throws_on_random_input()
    {
        var random = new Random(12345);
        var buffer = new byte[SessionTokenCodec.KeyMaterialBytes];
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, 200);
            var chars = new char[length];
            for (var j = 0; j < length; j++)
            {
                chars[j] = (char)random.Next(0, i % 2 == 0 ? 128 : char.MaxValue);
            }

            var text = i % 3 == 0 ? "sess_" + new string(chars) : new string(chars);
            Assert.False(_codec.TryParse(text, buffer));
        }
    }

    private string NewToken(out byte[] keyMaterial)
    {
        keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];
        SessionTokenCodec.Generate("alice", keyMaterial);
        return _codec.Format(keyMaterial);
    }
}

public sealed class TokenHasherTests
{
    [Fact]
    public void Without_keys_the_digest_is_sha256_of_id_and_secret()
    {
        var material = RandomNumberGenerator.GetBytes(SessionTokenCodec.KeyMaterialBytes);
        var hasher = new TokenHasher([]);

        Assert.Equal(1, hasher.Generations);
        Assert.Equal(SHA256.HashData(material), hasher.Digest(material));
    }

    [Fact]
    public void With_keys_each_generation_is_hmac_under_its_key()
    {
        var material = RandomNumberGenerator.GetBytes(SessionTokenCodec.KeyMaterialBytes);
        var current = RandomNumberGenerator.GetBytes(32);
        var previous = RandomNumberGenerator.GetBytes(32);
        var hasher = new TokenHasher([current, previous]);

        Assert.Equal(2, hasher.Generations);
        Assert.Equal(HMACSHA256.HashData(current, material), hasher.Digest(material, 0));
        Assert.Equal(HMACSHA256.HashData(previous, material), hasher.Digest(material, 1));
        Assert.NotEqual(SHA256.HashData(material), hasher.Digest(material, 0));
    }

    [Fact]
    public void The_digest_is_the_framework_sha256_of_the_key_material()
    {
        var hasher = new TokenHasher([]);
        for (var i = 0; i < 1000; i++)
        {
            var material = RandomNumberGenerator.GetBytes(SessionTokenCodec.KeyMaterialBytes);
            Assert.Equal(SHA256.HashData(material), hasher.Digest(material));
        }
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, System.IO.Hashing.Crc32.HashToUInt32("123456789"u8)); // CRC-32/IEEE, the variant every issued token uses
    }

    /// <summary>
    /// Tokens minted before the checksum moved to System.IO.Hashing (by the hand-written CRC-32 it replaced, key material
    /// 0, 1, ..., 47) must stay valid: same CRC-32/IEEE, same bytes, same spelling.
    /// </summary>
    [Theory]
    [InlineData("sess", "sess_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4v77SOug")]
    [InlineData("key", "key_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vNFRWUw")]
    public void Tokens_minted_by_earlier_releases_still_parse_and_format_identically(string prefix, string token)
    {
        var codec = new SessionTokenCodec(prefix);
        var keyMaterial = new byte[SessionTokenCodec.KeyMaterialBytes];

        Assert.True(codec.TryParse(token, keyMaterial));
        Assert.Equal(Enumerable.Range(0, 48).Select(i => (byte)i), keyMaterial);
        Assert.Equal(token, codec.Format(keyMaterial));
    }
}
