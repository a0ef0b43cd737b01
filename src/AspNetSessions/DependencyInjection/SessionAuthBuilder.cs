using AspNetSessions.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
    /// <param name="changeFeedHint">
    /// When the near-cache is switched on and the backend has no change feed (<see cref="AddChangeFeed"/>), says how to
    /// get one, e.g. which package adds it; the startup error ends with it. <see langword="null"/> for no hint.
    /// </param>
    public SessionAuthBuilder AddStore(string name, Func<IServiceProvider, ISessionStore> factory, Func<IServiceProvider, string>? changeFeedHint = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new SessionStoreRegistration(name, factory, changeFeedHint));
        return this;
    }

    /// <summary>
    /// Validates <typeparamref name="TOptions"/> at startup with <paramref name="validator"/>, only when the backend named
    /// <paramref name="storeName"/> is the one in use, so an app can reference several store packages and configure
    /// only the one it runs on.
    /// </summary>
    /// <typeparam name="TOptions">The backend's options.</typeparam>
    /// <param name="storeName">The backend's name, as given to <see cref="AddStore"/>.</param>
    /// <param name="validator">Creates the validator, from the app's services.</param>
    public SessionAuthBuilder ValidateStoreOptions<TOptions>(string storeName, Func<IServiceProvider, IValidateOptions<TOptions>> validator)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentNullException.ThrowIfNull(validator);
        Services.AddOptions<TOptions>().ValidateOnStart();
        Services.AddSingleton<IValidateOptions<TOptions>>(sp =>
            new SelectedStoreOptionsValidator<TOptions>(storeName, sp.GetRequiredService<SessionStoreSelection>(), validator(sp)));
        return this;
    }

    /// <summary>
    /// Adds a background service of the backend named <paramref name="storeName"/> (for example a pruner of expired
    /// rows), started only when that backend is the one in use.
    /// </summary>
    /// <param name="storeName">The backend's name, as given to <see cref="AddStore"/>.</param>
    /// <param name="service">Gets the service, from the app's services.</param>
    public SessionAuthBuilder AddStoreHostedService(string storeName, Func<IServiceProvider, IHostedService> service)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentNullException.ThrowIfNull(service);
        Services.AddSingleton<IHostedService>(sp => new SelectedStoreHostedService(storeName, sp.GetRequiredService<SessionStoreSelection>(), service(sp)));
        return this;
    }

    /// <summary>
    /// Registers the change feed of the store backend named <paramref name="storeName"/>, beside it: what tells every
    /// app instance about the store's changes, which the near-cache (<c>SessionAuth:NearCache</c>) needs. The feed of
    /// the backend in use is created once, when the near-cache is on; the one registered last for a name is used.
    /// </summary>
    /// <param name="storeName">The backend's name, as given to <see cref="AddStore"/>.</param>
    /// <param name="factory">Creates the feed, or returns <see langword="null"/> when the backend, as configured, cannot announce changes (the near-cache is then refused at startup).</param>
    public SessionAuthBuilder AddChangeFeed(string storeName, Func<IServiceProvider, ISessionChangeFeed?> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(new SessionChangeFeedRegistration(storeName, factory));
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
