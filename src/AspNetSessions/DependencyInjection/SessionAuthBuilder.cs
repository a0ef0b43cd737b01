using AspNetSessions.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions;

/// <summary>
/// Returned by <c>AddSessionAuth</c>: adds further session kinds and store backends.
/// </summary>
public sealed class SessionAuthBuilder
{
    internal SessionAuthBuilder(IServiceCollection services, AuthenticationBuilder authentication, IConfiguration? configuration)
    {
        Services = services;
        Authentication = authentication;
        Configuration = configuration;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The authentication builder, to add other schemes beside the session ones.</summary>
    public AuthenticationBuilder Authentication { get; }

    /// <summary>The <c>SessionAuth</c> configuration section, when one was given; store add-ons bind their own sub-sections from it.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>
    /// Adds another session kind with its own scheme, store namespace, token prefix and lifetimes. Its options are
    /// bound from <c>SessionAuth:Kinds:{scheme}</c> when that section exists, then <paramref name="configure"/> runs.
    /// Kinds listed under <c>SessionAuth:Kinds</c> are added without calling this.
    /// </summary>
    /// <param name="scheme">The authentication scheme, also the default kind name, e.g. <c>ApiKey</c>.</param>
    /// <param name="configure">Configures the kind.</param>
    public SessionAuthBuilder AddKind(string scheme, Action<SessionAuthenticationOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        Authentication.AddSession(scheme, Configuration?.GetSection("Kinds").GetSection(scheme), configure);
        return this;
    }

    /// <summary>
    /// Adds a store backend that <c>SessionAuth:Store</c> can name. When <c>SessionAuth:Store</c> is not set, the
    /// backend added last is used (the in-memory one is added first).
    /// </summary>
    /// <param name="name">The backend's name, e.g. <c>Redis</c>.</param>
    /// <param name="factory">Creates the backend once, from the app's services.</param>
    public SessionAuthBuilder AddStore(string name, Func<IServiceProvider, ISessionStore> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new SessionStoreRegistration(name, factory, typeof(ISessionStore)));
        return this;
    }

    /// <summary>
    /// Adds a store backend of a known type; see <see cref="AddStore(string, Func{IServiceProvider, ISessionStore})"/>.
    /// Its type tells the startup checks what it can do before it is created (e.g. whether it implements
    /// <see cref="ISessionInvalidationSource"/>, which the near-cache needs).
    /// </summary>
    /// <typeparam name="TStore">The backend's type.</typeparam>
    /// <param name="name">The backend's name, e.g. <c>Redis</c>.</param>
    /// <param name="factory">Creates the backend once, from the app's services.</param>
    public SessionAuthBuilder AddStore<TStore>(string name, Func<IServiceProvider, TStore> factory)
        where TStore : class, ISessionStore
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new SessionStoreRegistration(name, factory, typeof(TStore)));
        return this;
    }

    /// <summary>
    /// Binds the sub-section <c>SessionAuth:{name}</c> to <typeparamref name="TOptions"/> (store packages call this for
    /// their own settings, e.g. <c>Redis</c>) and makes its keys part of the startup check, so a misspelt or misread
    /// setting in it stops the app with a message instead of being ignored. Without a configuration section it only
    /// declares the keys.
    /// </summary>
    /// <typeparam name="TOptions">The options type whose public settable properties are the section's keys.</typeparam>
    /// <param name="name">The sub-section's name.</param>
    public SessionAuthBuilder BindSection<TOptions>(string name)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Services.AddSingleton(new SessionConfigurationSection(name, typeof(TOptions)));
        if (Configuration is not null)
        {
            var section = Configuration.GetSection(name);
            Services.AddOptions<TOptions>().Configure<IServiceProvider>((options, services) =>
            {
                if (services.GetService<SessionConfigurationReport>() is not { IsValid: false })
                {
                    section.Bind(options);
                }
            });
        }

        return this;
    }
}
