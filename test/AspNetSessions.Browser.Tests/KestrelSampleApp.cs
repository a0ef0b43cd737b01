using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Browser.Tests;

/// <summary>
/// samples/WebApp in process, on Kestrel at a free port of 127.0.0.1 over plain http, with its default
/// configuration (memory store, <c>__Host-session</c> cookie: Secure, HttpOnly, SameSite=Lax).
/// </summary>
public sealed class KestrelSampleApp : WebApplicationFactory<Program>
{
    /// <summary>E.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; private set; } = null!;

    /// <summary>Starts the sample and returns once it listens.</summary>
    public static KestrelSampleApp Start()
    {
        var app = new KestrelSampleApp();
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        app.BaseUrl = addresses.Single();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseEnvironment("Production");
}
