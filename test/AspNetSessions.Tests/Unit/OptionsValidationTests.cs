using AspNetSessions.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspNetSessions.Tests.Unit;

/// <summary>Bad configuration fails at startup with a message that names the key and what it allows.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("IdleTimeout", "-00:05:00", "SessionAuth:IdleTimeout must be a positive duration")]
    [InlineData("AbsoluteTimeout", "00:00:00", "SessionAuth:AbsoluteTimeout must be a positive duration")]
    [InlineData("TokenPrefix", "Sess!", "SessionAuth:TokenPrefix must be 1-16 lowercase letters or digits")]
    [InlineData("Kind", "a b", "SessionAuth:Kind must be 1-32 letters")]
    [InlineData("SlidingGranularity", "00:20:00", "SessionAuth:SlidingGranularity must be between 00:00:00 and half of IdleTimeout")]
    [InlineData("HashingKeys:0", "dG9vIHNob3J0", "SessionAuth:HashingKeys:0 must be base64 of at least 32 random bytes")]
    [InlineData("HashingKeys:0", "not base64!", "SessionAuth:HashingKeys:0 must be base64")]
    [InlineData("Cookie:SecurePolicy", "SameAsRequest", "SessionAuth:Cookie:Name starts with '__Host-'")]
    [InlineData("Cookie:HttpOnly", "false", "SessionAuth:Cookie:HttpOnly must be true")]
    [InlineData("StoreUnavailableRetryAfter", "00:00:00", "SessionAuth:StoreUnavailableRetryAfter must be at least 00:00:01")]
    [InlineData("LiveConnectionCheckInterval", "00:00:00", "SessionAuth:LiveConnectionCheckInterval must be between 00:00:01 and 01:00:00")]
    [InlineData("LiveConnectionCheckInterval", "02:00:00", "SessionAuth:LiveConnectionCheckInterval must be between 00:00:01 and 01:00:00")]
    [InlineData("MaxSessionsPerUser", "-1", "SessionAuth:MaxSessionsPerUser must be between 1 and 1000, or 0 for no limit")]
    [InlineData("MaxSessionsPerUser", "1001", "SessionAuth:MaxSessionsPerUser must be between 1 and 1000")]
    [InlineData("Scopes:0", "orders read", "SessionAuth:Scopes:0 must be a scope")]
    [InlineData("Scopes:0", "a\\b", "SessionAuth:Scopes:0 must be a scope")]
    public void A_bad_value_names_its_key(string key, string value, string message)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("SessionAuth:" + key, value)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Device_binding_needs_a_cookie_kind_and_a_credential_of_at_least_five_minutes()
    {
        using var provider = Services(("SessionAuth:Kinds:ApiKey:DeviceBound:Enabled", "true")).BuildServiceProvider();
        var bearerOnly = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<SessionAuthenticationOptions>>().Get("ApiKey"));
        var short_ = Assert.Throws<OptionsValidationException>(() => Resolve(("SessionAuth:DeviceBound:Enabled", "true"), ("SessionAuth:DeviceBound:CredentialLifetime", "00:04:59")));
        var options = Resolve(("SessionAuth:DeviceBound:Enabled", "true"));

        Assert.Contains("SessionAuth:Kinds:ApiKey:DeviceBound:Enabled is true, but the kind reads no cookie", bearerOnly.Message, StringComparison.Ordinal);
        Assert.Contains("SessionAuth:DeviceBound:CredentialLifetime must be at least '00:05:00'", short_.Message, StringComparison.Ordinal);
        Assert.True(options.DeviceBound.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DeviceBound.CredentialLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DeviceBound.PreviousCredentialGrace);
        Assert.Equal("/.well-known/dbsc/Session/registration", options.DeviceBound.RegistrationPath);
        Assert.Equal("/.well-known/dbsc/Session/refresh", options.DeviceBound.RefreshPath);
        Assert.False(Resolve().DeviceBound.Enabled);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public void A_previous_credential_grace_outside_0_to_5_minutes_is_refused_naming_its_key(string grace)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("SessionAuth:DeviceBound:Enabled", "true"), ("SessionAuth:DeviceBound:PreviousCredentialGrace", grace)));

        Assert.Contains("SessionAuth:DeviceBound:PreviousCredentialGrace must be from '00:00:00' (none) to '00:05:00'", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, Resolve(("SessionAuth:DeviceBound:Enabled", "true"), ("SessionAuth:DeviceBound:PreviousCredentialGrace", "00:00:00")).DeviceBound.PreviousCredentialGrace);
        Assert.Equal(TimeSpan.FromMinutes(5), Resolve(("SessionAuth:DeviceBound:Enabled", "true"), ("SessionAuth:DeviceBound:PreviousCredentialGrace", "00:05:00")).DeviceBound.PreviousCredentialGrace);
    }

    [Fact]
    public void A_value_of_the_wrong_type_names_its_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(("SessionAuth:IdleTimeout", "banana")));
        Assert.Contains("SessionAuth:IdleTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_store_names_the_key_and_the_registered_stores()
    {
        var services = Services(("SessionAuth:Store", "Postgres"));
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SessionStoreOptions>>().Value);
        Assert.Contains("SessionAuth:Store is 'Postgres', but the registered session stores are: Memory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_without_the_redis_package_says_what_to_add()
    {
        using var provider = Services(("SessionAuth:Store", "Redis")).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SessionStoreOptions>>().Value);
        Assert.Contains("AddRedisStore()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_kinds_may_not_share_a_token_prefix()
    {
        using var provider = Services(("SessionAuth:Kinds:ApiKey:TokenPrefix", "sess")).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SessionStoreOptions>>().Value);
        Assert.Contains("Token prefix 'sess' is used by several schemes (Session, ApiKey)", error.Message, StringComparison.Ordinal);
        Assert.Contains("SessionAuth:Kinds:ApiKey:TokenPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_valid_and_secure()
    {
        var options = Resolve();
        Assert.Equal("Session", options.Kind);
        Assert.Equal([SessionTokenSource.Bearer, SessionTokenSource.Cookie], options.TokenSources);
        Assert.Equal("__Host-session", options.Cookie.Name);
        Assert.True(options.Cookie.HttpOnly);
        Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.Always, options.Cookie.SecurePolicy);
        Assert.Equal(Microsoft.AspNetCore.Http.SameSiteMode.Lax, options.Cookie.SameSite);
        Assert.Null(options.Cookie.Path); // the PathBase, and "/" for the __Host- name (CookieParityTests)
    }

    [Fact]
    public void Empty_values_switch_timeouts_off()
    {
        var options = Resolve(("SessionAuth:IdleTimeout", string.Empty), ("SessionAuth:AbsoluteTimeout", string.Empty));
        Assert.Null(options.IdleTimeout);
        Assert.Null(options.AbsoluteTimeout);
    }

    [Fact]
    public void Calling_AddSessionAuth_twice_is_harmless()
    {
        var services = Services();
        services.AddSessionAuth(new ConfigurationBuilder().Build().GetSection("SessionAuth"));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetRequiredService<ISessionManager>());
        Assert.Single(provider.GetServices<SessionStoreRegistration>());
    }

    [Fact]
    public void Each_kind_has_its_keyed_manager_and_the_default_is_unkeyed()
    {
        using var provider = Services().BuildServiceProvider();
        Assert.Equal("Session", provider.GetRequiredService<ISessionManager>().Kind);
        Assert.Equal("ApiKey", provider.GetRequiredKeyedService<ISessionManager>("ApiKey").Kind);
        Assert.Same(provider.GetRequiredService<ISessionStore>(), provider.GetRequiredService<ISessionStore>());
    }

    private static SessionAuthenticationOptions Resolve(params (string Key, string Value)[] settings)
    {
        using var provider = Services(settings).BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<SessionStoreOptions>>().Value; // app-wide settings (store, Retry-After)
        return provider.GetRequiredService<IOptionsMonitor<SessionAuthenticationOptions>>().Get("Session");
    }

    private static ServiceCollection Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SessionAuth:Kinds:ApiKey:TokenPrefix"] = "key", ["SessionAuth:Kinds:ApiKey:TokenSources:0"] = "Bearer" })
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSessionAuth(configuration.GetSection("SessionAuth"));
        return services;
    }
}

/// <summary>Session schemes composed with other schemes through AddAuthentication(), without AddSessionAuth.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task AddSession_beside_cookie_authentication_works_on_its_own()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication("Cookies").AddCookie("Cookies").AddSession("Api", o => o.TokenPrefix = "api");
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredKeyedService<ISessionManager>("Api");
        var created = await manager.CreateAsync(new SessionCreateRequest { UserId = "alice" });

        Assert.StartsWith("api_", created.Token, StringComparison.Ordinal);
        Assert.Equal("alice", (await manager.AuthenticateAsync(created.Token))?.UserId);
        Assert.Same(manager, provider.GetRequiredService<ISessionManager>());
        Assert.Equal("Memory", provider.GetRequiredService<ISessionStore>().Name);
    }
}
