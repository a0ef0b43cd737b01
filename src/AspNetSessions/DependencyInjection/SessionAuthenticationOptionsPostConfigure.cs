using Microsoft.Extensions.Options;

namespace AspNetSessions;

/// <summary>Fills the defaults that depend on other options (kind name, sliding granularity).</summary>
internal sealed class SessionAuthenticationOptionsPostConfigure : IPostConfigureOptions<SessionAuthenticationOptions>
{
    private static readonly TimeSpan MaxDefaultGranularity = TimeSpan.FromMinutes(1);

    public void PostConfigure(string? name, SessionAuthenticationOptions options)
    {
        options.Kind ??= name;
        options.TokenSources ??= [SessionTokenSource.Bearer, SessionTokenSource.Cookie];
        if (options.SlidingGranularity is null && options.IdleTimeout is { } idle && idle > TimeSpan.Zero)
        {
            var tenth = idle / 10;
            options.SlidingGranularity = tenth < MaxDefaultGranularity ? tenth : MaxDefaultGranularity;
        }

        var dbsc = options.DeviceBound ??= new DeviceBoundSessionOptions();
        if (!dbsc.RegistrationPath.HasValue)
        {
            dbsc.RegistrationPath = "/.well-known/dbsc/" + name + "/registration";
        }

        if (!dbsc.RefreshPath.HasValue)
        {
            dbsc.RefreshPath = "/.well-known/dbsc/" + name + "/refresh";
        }
    }
}
