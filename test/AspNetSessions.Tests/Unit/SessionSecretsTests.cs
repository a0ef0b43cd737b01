using System.Buffers.Text;
using AspNetSessions.Stores;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AspNetSessions.Tests.Unit;

/// <summary>
/// Nothing usable at rest (issue #22): saved tokens and every authentication item, and the claims and data marked secret,
/// reach the store encrypted with Data Protection and come back decrypted from every manager call; a key rotation keeps
/// old sessions readable; a record that does not decrypt is refused with a warning naming the session, never thrown.
/// </summary>
public sealed class SessionSecretsTests : IDisposable
{
    private const string AccessToken = "eyJ-access-token-value";
    private const string Ssn = "078-05-1120";
    private const string BankToken = "bank-token-value";

    private readonly FakeTimeProvider _time = new();
    private readonly MemorySessionStore _store;
    private readonly CapturingLoggerProvider _logs = new();

    public SessionSecretsTests() => _store = new MemorySessionStore(_time, NullLogger<MemorySessionStore>.Instance, TimeSpan.FromDays(1));

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Items_and_marked_claims_and_data_are_ciphertext_in_the_store_and_plaintext_from_every_call()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(Request());

        var stored = await StoredAsync(created.Session.Id);
        Assert.Equal([SessionSecrets.ItemsKey], stored.AuthenticationItems.Keys);
        Assert.StartsWith(SessionSecrets.Marker, stored.AuthenticationItems[SessionSecrets.ItemsKey], StringComparison.Ordinal);
        Assert.Equal(["ssn", "role"], stored.Claims.Select(c => c.Type));
        Assert.StartsWith(SessionSecrets.Marker, stored.Claims[0].Value, StringComparison.Ordinal);
        Assert.Equal("admin", stored.Claims[1].Value);
        Assert.StartsWith(SessionSecrets.Marker, stored.Data["bank"], StringComparison.Ordinal);
        Assert.Equal("dark", stored.Data["theme"]);
        var text = Text(stored);
        foreach (var secret in new[] { AccessToken, Ssn, BankToken, ".Token.access_token" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        AssertPlain(created.Session);
        AssertPlain((await manager.AuthenticateAsync(created.Token))!);
        AssertPlain((await manager.FindAsync(created.Token))!);
        AssertPlain((await manager.FindByIdAsync(created.Session.Id))!);
        AssertPlain(Assert.Single(await manager.ListAsync(new SessionFilter { UserId = "alice" })));
        AssertPlain((await manager.RefreshAsync(created.Session.Id))!);
        AssertPlain((await manager.ReauthenticateAsync(created.Session.Id))!);
        var rotated = await manager.RotateAsync(created.Session.Id);
        AssertPlain(rotated!.Session);
        AssertPlain((await manager.AuthenticateAsync(rotated.Token))!);
    }

    [Fact]
    public async Task An_update_encrypts_what_it_replaces()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        var updated = await manager.UpdateAsync(created.Session.Id, new SessionUpdate
        {
            Claims = [new SessionClaim("ssn", Ssn)],
            Data = new Dictionary<string, string> { ["bank"] = BankToken },
            AuthenticationItems = new Dictionary<string, string> { [".Token.access_token"] = AccessToken },
        });

        Assert.Equal(Ssn, updated!.Claims[0].Value);
        Assert.Equal(BankToken, updated.Data["bank"]);
        Assert.Equal(AccessToken, updated.AuthenticationItems[".Token.access_token"]);
        var text = Text(await StoredAsync(created.Session.Id));
        Assert.DoesNotContain(Ssn, text, StringComparison.Ordinal);
        Assert.DoesNotContain(BankToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_value_that_looks_encrypted_is_encrypted_too_and_comes_back_as_written()
    {
        var manager = Manager();
        var lookalike = SessionSecrets.Marker + "not-really";
        var created = await manager.CreateAsync(new SessionCreateRequest
        {
            UserId = "alice",
            Claims = [new SessionClaim("nickname", lookalike)],
            Data = new Dictionary<string, string> { ["note"] = lookalike },
        });

        var session = await manager.AuthenticateAsync(created.Token);

        Assert.Equal(lookalike, Assert.Single(session!.Claims).Value);
        Assert.Equal(lookalike, session.Data["note"]);
        Assert.DoesNotContain("not-really", Text(await StoredAsync(created.Session.Id)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_stored_before_encryption_is_read_as_it_was()
    {
        var manager = Manager();
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });
        var record = (await _store.GetAsync("Session", created.Session.Id, _time.GetUtcNow(), default))!;
        await _store.DeleteAsync("Session", created.Session.Id, default);
        await _store.CreateAsync(record with
        {
            Session = record.Session with
            {
                Claims = [new SessionClaim("ssn", Ssn)],
                AuthenticationItems = new Dictionary<string, string> { [".Token.access_token"] = AccessToken },
            },
        }, 0, _time.GetUtcNow(), default);

        var session = await manager.AuthenticateAsync(created.Token);

        Assert.Equal(Ssn, session!.Claims[0].Value);
        Assert.Equal(AccessToken, session.AuthenticationItems[".Token.access_token"]);
    }

    [Fact]
    public async Task After_a_key_rotation_new_sessions_use_the_new_key_and_old_ones_still_decrypt()
    {
        var keys = Directory.CreateTempSubdirectory("aspnetsessions-keys-");
        try
        {
            Guid oldKeyId, newKeyId;
            CreatedSession before;
            using (var first = KeyRing(keys))
            {
                first.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow.AddDays(-5), DateTimeOffset.UtcNow.AddDays(90));
                before = await Manager(first.GetRequiredService<IDataProtectionProvider>()).CreateAsync(Request());
                oldKeyId = KeyId(await StoredAsync(before.Session.Id));

                // Both keys are dated days back, past Data Protection's propagation window (a key that new is not made the
                // default while an older one is valid): the more recently activated one is the default of every key ring
                // that reads it from now on.
                newKeyId = first.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddDays(90)).KeyId;
            }

            // The app restarted (or another instance): its key ring holds both keys, the new one the default.
            using var second = KeyRing(keys);
            var manager = Manager(second.GetRequiredService<IDataProtectionProvider>());
            var after = await manager.CreateAsync(Request());

            Assert.NotEqual(oldKeyId, newKeyId);
            Assert.Equal(newKeyId, KeyId(await StoredAsync(after.Session.Id)));
            AssertPlain((await manager.AuthenticateAsync(before.Token))!);
            AssertPlain((await manager.AuthenticateAsync(after.Token))!);

            // A key revoked by the operator: its sessions are refused (logged), the others keep working.
            second.GetRequiredService<IKeyManager>().RevokeKey(oldKeyId, "test");
            using var third = KeyRing(keys);
            manager = Manager(third.GetRequiredService<IDataProtectionProvider>());
            Assert.Null(await manager.AuthenticateAsync(before.Token));
            AssertRefusalLogged(before.Session.Id);
            AssertPlain((await manager.AuthenticateAsync(after.Token))!);
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    private static ServiceProvider KeyRing(DirectoryInfo keys) =>
        new ServiceCollection().AddDataProtection().SetApplicationName("at-rest-tests").PersistKeysToFileSystem(keys).Services.BuildServiceProvider();

    [Fact]
    public async Task A_record_under_another_key_ring_is_refused_with_a_warning_naming_the_session()
    {
        var created = await Manager().CreateAsync(Request());
        var elsewhere = Manager(new EphemeralDataProtectionProvider());

        Assert.Null(await elsewhere.AuthenticateAsync(created.Token));
        Assert.Null(await elsewhere.FindByIdAsync(created.Session.Id));
        Assert.Empty(await elsewhere.ListAsync(new SessionFilter { UserId = "alice" }));
        AssertRefusalLogged(created.Session.Id);
    }

    [Fact]
    public async Task Tampered_or_moved_ciphertext_is_refused_with_a_warning_naming_the_session()
    {
        var manager = Manager();
        var victim = await manager.CreateAsync(Request());
        var attacker = await manager.CreateAsync(new SessionCreateRequest { UserId = "mallory", Claims = [new SessionClaim("ssn", "000-00-0000")] });
        var stored = await StoredAsync(victim.Session.Id);
        var value = stored.Claims[0].Value;
        var tampered = value[..^3] + (value[^3] == 'A' ? 'B' : 'A') + value[^2..];

        await ReplaceAsync(victim.Session.Id, s => s with { Claims = [new SessionClaim("ssn", tampered), s.Claims[1]] });
        // The victim's encrypted claim copied into the attacker's session: it was bound to the victim's.
        await ReplaceAsync(attacker.Session.Id, s => s with { Claims = [new SessionClaim("ssn", value)] });

        Assert.Null(await manager.AuthenticateAsync(victim.Token));
        Assert.Null(await manager.AuthenticateAsync(attacker.Token));
        AssertRefusalLogged(victim.Session.Id);
        AssertRefusalLogged(attacker.Session.Id);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(victim.Token, StringComparison.Ordinal) || l.Contains(Ssn, StringComparison.Ordinal));
    }

    private static SessionCreateRequest Request() => new()
    {
        UserId = "alice",
        Claims = [new SessionClaim("ssn", Ssn), new SessionClaim("role", "admin")],
        Data = new Dictionary<string, string> { ["bank"] = BankToken, ["theme"] = "dark" },
        AuthenticationItems = new Dictionary<string, string> { [".Token.access_token"] = AccessToken, [".persistent"] = "" },
    };

    private static void AssertPlain(Session session)
    {
        Assert.Equal([new SessionClaim("ssn", Ssn), new SessionClaim("role", "admin")], session.Claims);
        Assert.Equal(BankToken, session.Data["bank"]);
        Assert.Equal("dark", session.Data["theme"]);
        Assert.Equal(AccessToken, session.AuthenticationItems[".Token.access_token"]);
        Assert.Equal("", session.AuthenticationItems[".persistent"]);
    }

    private void AssertRefusalLogged(string sessionId) =>
        Assert.Contains(_logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("[1007]", StringComparison.Ordinal)
            && l.Contains("session " + sessionId + " do not decrypt", StringComparison.Ordinal));

    private async Task<Session> StoredAsync(string id) => (await _store.GetAsync("Session", id, _time.GetUtcNow(), default))!.Session;

    private async Task ReplaceAsync(string id, Func<Session, Session> change)
    {
        var record = (await _store.GetAsync("Session", id, _time.GetUtcNow(), default))!;
        await _store.DeleteAsync("Session", id, default);
        await _store.CreateAsync(record with { Session = change(record.Session) }, 0, _time.GetUtcNow(), default);
    }

    /// <summary>Every string the store holds for the session, as one text.</summary>
    private static string Text(Session session) => string.Join("\n",
        session.Claims.Select(c => c.Type + "=" + c.Value)
            .Concat(session.Data.Select(d => d.Key + "=" + d.Value))
            .Concat(session.AuthenticationItems.Select(i => i.Key + "=" + i.Value)));

    /// <summary>The Data Protection key that protected the session's items (the payload's header: magic, then key id).</summary>
    private static Guid KeyId(Session stored)
    {
        var payload = Base64Url.DecodeFromChars(stored.AuthenticationItems[SessionSecrets.ItemsKey].AsSpan(SessionSecrets.Marker.Length));
        return new Guid(payload.AsSpan(4, 16));
    }

    private SessionManager Manager(IDataProtectionProvider? protection = null) => new(
        "Session",
        new SessionAuthenticationOptions { Kind = "Session", SecretClaimTypes = ["ssn"], SecretDataKeys = ["bank"] },
        _store,
        _time,
        LoggerFactory.Create(b => b.AddProvider(_logs)).CreateLogger<SessionManager>(),
        dataProtection: protection ?? Protection);

    /// <summary>One key ring for every manager of a test, unless a test asks for another.</summary>
    private IDataProtectionProvider Protection => _protection ??= new EphemeralDataProtectionProvider();

    private IDataProtectionProvider? _protection;
}
