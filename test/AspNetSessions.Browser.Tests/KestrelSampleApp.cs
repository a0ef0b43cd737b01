using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AspNetSessions.Browser.Tests;

/// <summary>
/// samples/WebApp in process, on Kestrel at a free port of 127.0.0.1 over plain http (or https when given a certificate), with its default
/// configuration (memory store, <c>__Host-session</c> cookie: Secure, HttpOnly, SameSite=Lax).
/// </summary>
public sealed class KestrelSampleApp : WebApplicationFactory<Program>
{
    /// <summary>E.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; private set; } = null!;

    private Action<HttpContext>? _answering;

    /// <summary>
    /// Starts the sample (over https at <c>https://localhost:port</c> when given a certificate) and returns once it listens.
    /// <paramref name="answering"/> sees every request as its response starts (status and headers set, before the client
    /// can have them): what the browser asked for and what it was answered.
    /// </summary>
    public static KestrelSampleApp Start(X509Certificate2? https = null, Action<HttpContext>? answering = null)
    {
        var app = new KestrelSampleApp { _answering = answering };
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (https is not null)
            {
                listen.UseHttps(https);
            }
        }));
        app.StartServer();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        app.BaseUrl = https is null ? addresses.Single() : addresses.Single().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        if (_answering is { } answering)
        {
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new AnsweringFilter(answering)));
        }
    }

    private sealed class AnsweringFilter(Action<HttpContext> answering) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Response.OnStarting(() =>
                {
                    answering(context);
                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
