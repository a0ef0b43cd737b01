using System.Text;
using AspNetSessions.DeviceBound;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Unit;

/// <summary>The DBSC protocol core (issue #26): proofs signed with real ECDsa and RSA keys, checked without I/O.</summary>
public sealed class DeviceBoundProofTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly DeviceKey _es = DeviceKey.Es256();
    private readonly DeviceKey _rs = DeviceKey.Rs256();
    private readonly string _challenge = DeviceChallenge.Issue(Now);

    public void Dispose()
    {
        _es.Dispose();
        _rs.Dispose();
    }

    [Fact]
    public void An_ES256_registration_binds_the_public_key_in_canonical_form_with_its_RFC_7638_thumbprint()
    {
        var refusal = DeviceBoundProof.Verify(_es.Registration(_challenge), null, _challenge, null, Now, out var key);

        Assert.Equal(DeviceProofRefusal.None, refusal);
        Assert.NotNull(key);
        Assert.Equal("ES256", key.Algorithm);
        Assert.Equal(_es.Thumbprint, key.Thumbprint);
        Assert.Equal(Now, key.BoundAt);
        Assert.StartsWith("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"", key.Jwk, StringComparison.Ordinal);
        Assert.DoesNotContain("use", key.Jwk, StringComparison.Ordinal);
    }

    [Fact]
    public void The_thumbprint_matches_the_RFC_7638_example()
    {
        // RFC 7638 section 3.1: the example RSA key and its thumbprint.
        const string n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        var canonical = $$"""{"e":"AQAB","kty":"RSA","n":"{{n}}"}""";

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", DeviceBoundKey.Thumbprint(canonical));
    }

    [Fact]
    public void An_RS256_registration_and_refresh_verify()
    {
        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(_rs.Registration(_challenge), null, _challenge, null, Now, out var key));
        Assert.Equal("RS256", key!.Algorithm);
        Assert.Equal(_rs.Thumbprint, key.Thumbprint);

        var next = DeviceChallenge.Issue(Now);
        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(_rs.Refresh(next), key, next, null, Now, out var same));
        Assert.Same(key, same);
    }

    [Fact]
    public void A_refresh_signed_by_the_stored_key_verifies()
    {
        var key = Register(_es);
        var next = DeviceChallenge.Issue(Now);

        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(_es.Refresh(next), key, next, null, Now, out _));
    }

    [Fact]
    public void A_refresh_signed_by_another_key_is_refused()
    {
        var key = Register(_es);
        using var thief = DeviceKey.Es256();

        Assert.Equal(DeviceProofRefusal.BadSignature, DeviceBoundProof.Verify(thief.Refresh(_challenge), key, _challenge, null, Now, out _));
    }

    [Fact]
    public void A_refresh_that_names_its_own_key_is_refused_even_when_it_is_the_bound_one()
    {
        var key = Register(_es);

        Assert.Equal(DeviceProofRefusal.KeyAtRefresh, DeviceBoundProof.Verify(_es.Registration(_challenge), key, _challenge, null, Now, out _));
    }

    [Fact]
    public void A_replayed_jti_is_refused_once_the_challenge_was_consumed()
    {
        var key = Register(_es);
        var proof = _es.Refresh(_challenge);
        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(proof, key, _challenge, null, Now, out _));

        // Consuming replaced the outstanding challenge: the same proof again answers a challenge no longer issued.
        var outstanding = DeviceChallenge.Issue(Now);
        Assert.Equal(DeviceProofRefusal.ChallengeNotIssued, DeviceBoundProof.Verify(proof, key, outstanding, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.ChallengeNotIssued, DeviceBoundProof.Verify(proof, key, null, null, Now, out _));
    }

    [Fact]
    public void An_expired_challenge_is_refused()
    {
        var proof = _es.Registration(_challenge);

        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(proof, null, _challenge, null, Now + DeviceChallenge.Lifetime - TimeSpan.FromSeconds(1), out _));
        Assert.Equal(DeviceProofRefusal.ChallengeExpired, DeviceBoundProof.Verify(proof, null, _challenge, null, Now + DeviceChallenge.Lifetime, out _));
    }

    [Fact]
    public void Alg_none_is_refused_signed_or_not()
    {
        var header = new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "dbsc+jwt", ["jwk"] = _es.PublicJwk };
        var payload = new Dictionary<string, string> { ["jti"] = _challenge };
        var signed = _es.Sign(header, payload);
        var unsigned = signed[..(signed.LastIndexOf('.') + 1)];

        Assert.Equal(DeviceProofRefusal.AlgorithmNotAllowed, DeviceBoundProof.Verify(signed, null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.Malformed, DeviceBoundProof.Verify(unsigned, null, _challenge, null, Now, out var key));
        Assert.Null(key);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("ES384")]
    [InlineData("es256")]
    [InlineData("PS256")]
    public void Algorithms_off_the_allow_list_are_refused(string alg)
    {
        var proof = _es.Sign(new Dictionary<string, object> { ["alg"] = alg, ["typ"] = "dbsc+jwt", ["jwk"] = _es.PublicJwk }, new { jti = _challenge });

        Assert.Equal(DeviceProofRefusal.AlgorithmNotAllowed, DeviceBoundProof.Verify(proof, null, _challenge, null, Now, out _));
    }

    [Fact]
    public void A_refresh_in_another_algorithm_than_the_bound_key_is_refused()
    {
        var key = Register(_es);

        Assert.Equal(DeviceProofRefusal.AlgorithmNotAllowed, DeviceBoundProof.Verify(_rs.Refresh(_challenge), key, _challenge, null, Now, out _));
    }

    [Theory]
    [InlineData("jwt")]
    [InlineData("")]
    [InlineData(null)]
    public void The_typ_must_be_dbsc_jwt(string? typ)
    {
        var header = new Dictionary<string, object> { ["alg"] = "ES256", ["jwk"] = _es.PublicJwk };
        if (typ is not null)
        {
            header["typ"] = typ;
        }

        Assert.Equal(DeviceProofRefusal.WrongType, DeviceBoundProof.Verify(_es.Sign(header, new { jti = _challenge }), null, _challenge, null, Now, out _));
    }

    [Fact]
    public void A_registration_without_a_key_or_with_a_private_one_is_refused()
    {
        var noKey = _es.Sign(new { alg = "ES256", typ = "dbsc+jwt" }, new { jti = _challenge });
        var privateKey = _es.Sign(new { alg = "ES256", typ = "dbsc+jwt", jwk = _es.PrivateJwk }, new { jti = _challenge });
        var rsaPrivate = _rs.Sign(new { alg = "RS256", typ = "dbsc+jwt", jwk = _rs.PrivateJwk }, new { jti = _challenge });

        Assert.Equal(DeviceProofRefusal.KeyMissing, DeviceBoundProof.Verify(noKey, null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.KeyNotPublic, DeviceBoundProof.Verify(privateKey, null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.KeyNotPublic, DeviceBoundProof.Verify(rsaPrivate, null, _challenge, null, Now, out _));
    }

    [Fact]
    public void A_key_that_does_not_fit_the_algorithm_is_refused()
    {
        using var small = DeviceKey.Rs256(1024);
        var rsaUnderEs = _rs.Sign(new { alg = "ES256", typ = "dbsc+jwt", jwk = _rs.PublicJwk }, new { jti = _challenge });
        var offCurve = _es.PublicJwk;
        offCurve["y"] = offCurve["x"];
        var notOnCurve = _es.Sign(new { alg = "ES256", typ = "dbsc+jwt", jwk = offCurve }, new { jti = _challenge });

        Assert.Equal(DeviceProofRefusal.KeyNotSupported, DeviceBoundProof.Verify(rsaUnderEs, null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.KeyNotSupported, DeviceBoundProof.Verify(small.Registration(_challenge), null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.KeyNotSupported, DeviceBoundProof.Verify(notOnCurve, null, _challenge, null, Now, out _));
    }

    [Fact]
    public void A_tampered_payload_fails_the_signature()
    {
        var key = Register(_es);
        var other = DeviceChallenge.Issue(Now);
        var proof = _es.Refresh(_challenge).Split('.');
        var forged = proof[0] + "." + DeviceKey.B64(Encoding.UTF8.GetBytes($$"""{"jti":"{{other}}"}""")) + "." + proof[2];

        Assert.Equal(DeviceProofRefusal.BadSignature, DeviceBoundProof.Verify(forged, key, other, null, Now, out _));
    }

    [Fact]
    public void The_authorization_echo_is_checked_when_the_offer_carried_one()
    {
        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(_es.Registration(_challenge, "code-1"), null, _challenge, "code-1", Now, out _));
        Assert.Equal(DeviceProofRefusal.AuthorizationMismatch, DeviceBoundProof.Verify(_es.Registration(_challenge, "code-2"), null, _challenge, "code-1", Now, out _));
        Assert.Equal(DeviceProofRefusal.AuthorizationMismatch, DeviceBoundProof.Verify(_es.Registration(_challenge), null, _challenge, "code-1", Now, out _));
    }

    [Fact]
    public void An_oversized_proof_is_refused_before_it_is_read()
    {
        var proof = new string('A', DeviceBoundProof.MaxLength) + "." + new string('A', 10) + ".AA";

        Assert.Equal(DeviceProofRefusal.TooLarge, DeviceBoundProof.Verify(proof, null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.Missing, DeviceBoundProof.Verify(null, null, _challenge, null, Now, out _));
        Assert.Equal(DeviceProofRefusal.Missing, DeviceBoundProof.Verify("", null, _challenge, null, Now, out _));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData(".eyJ9.AA")]
    [InlineData("e30..AA")]
    [InlineData("e30.e30.")]
    [InlineData("!!.e30.AA")]
    [InlineData("bm90IGpzb24.e30.AA")] // "not json"
    [InlineData("W10.e30.AA")] // [] as the header
    [InlineData("eyJhbGciOiJFUzI1NiIsInR5cCI6ImRic2Mrand0IiwiY3JpdCI6WyJ4Il19.e30.AA")] // crit
    [InlineData("eyJhbGciOiJFUzI1NiIsInR5cCI6ImRic2Mrand0In0.eyJqdGkiOjF9.AA")] // jti a number
    [InlineData("eyJhbGciOiJFUzI1NiIsInR5cCI6ImRic2Mrand0In0.W1tbW1tbXV1dXV1d.AA")] // too deep
    public void Malformed_proofs_are_refused_never_thrown(string proof)
    {
        Assert.Equal(DeviceProofRefusal.Malformed, DeviceBoundProof.Verify(proof, null, _challenge, null, Now, out _));
    }

    [Fact]
    public void Challenges_are_unique_and_carry_their_expiry()
    {
        var a = DeviceChallenge.Issue(Now);
        var b = DeviceChallenge.Issue(Now);

        Assert.NotEqual(a, b);
        Assert.InRange(a.Length, 20, DeviceChallenge.MaxLength);
        Assert.False(DeviceChallenge.IsExpired(a, Now));
        Assert.True(DeviceChallenge.IsExpired(a, Now + DeviceChallenge.Lifetime));
        Assert.True(DeviceChallenge.IsExpired("no-expiry", Now));
    }

    private SessionDeviceKey Register(DeviceKey device)
    {
        var challenge = DeviceChallenge.Issue(Now);
        Assert.Equal(DeviceProofRefusal.None, DeviceBoundProof.Verify(device.Registration(challenge), null, challenge, null, Now, out var key));
        return key!;
    }
}
