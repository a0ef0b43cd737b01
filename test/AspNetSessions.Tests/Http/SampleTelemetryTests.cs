using System.Net;
using System.Text;
using AspNetSessions.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace AspNetSessions.Tests.Http;

/// <summary>
/// The sample's own OpenTelemetry wiring (docs/observability.md): its exporter switch, OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set and the console only when <c>Telemetry:Console=true</c>. What the library's
/// meter and activity source export is tested on a minimal host (<see cref="OpenTelemetryTests"/>). In the
/// OpenTelemetry collection, run alone: environment variables and the console are process-wide.
/// </summary>
[Collection(OpenTelemetryCollection.Name)]
public sealed class SampleTelemetryTests
{
    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_set_the_sample_exports_its_spans_over_OTLP()
    {
        // A stand-in collector: records what OTLP/HTTP posts to it.
        var received = new List<(string Path, string? ContentType, byte[] Body)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (received)
            {
                received.Add((request.Path, request.ContentType, body.ToArray()));
            }

            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Urls.Single();

        // Environment variables, as an operator sets them (this collection runs alone, so no other app sees them).
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try
        {
            using var app = new SampleApp();
            using var client = app.Client();
            await client.LoginAsync();
            Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", null);
        }

        var traces = Received(received).Where(r => r.Path == "/v1/traces").ToArray();
        Assert.True(traces.Length > 0, $"the collector at {endpoint} received: {string.Join(", ", Received(received).Select(r => r.Path))}");
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.ContentType));
        // Protobuf keeps strings as UTF-8 bytes: the store span's name and its tag are in the payload.
        var payload = Encoding.UTF8.GetString(traces.SelectMany(r => r.Body).ToArray());
        Assert.Contains("aspnetsessions.store create", payload, StringComparison.Ordinal);
        Assert.Contains("aspnetsessions.store.backend", payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_writes_its_spans_to_the_console_only_when_asked_to()
    {
        // Console.Out is process-wide; this collection runs alone, so only these apps write to it meanwhile.
        var production = await ConsoleOutputAsync(environment: "Production", console: null);
        var development = await ConsoleOutputAsync(environment: "Development", console: null);
        var asked = await ConsoleOutputAsync(environment: "Development", console: "true");

        Assert.Contains("aspnetsessions.store create", asked, StringComparison.Ordinal);
        Assert.Contains("aspnetsessions.store.backend: Memory", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetsessions.store create", development, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetsessions.store create", production, StringComparison.Ordinal);
    }

    private static async Task<string> ConsoleOutputAsync(string environment, string? console)
    {
        var captured = new StringWriter();
        var original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            using var sample = new SampleApp();
            using var app = sample.WithWebHostBuilder(b =>
            {
                b.UseEnvironment(environment);
                if (console is not null)
                {
                    b.UseSetting("Telemetry:Console", console);
                }
            });
            using var client = app.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
            await client.LoginAsync();
            Assert.True(app.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        }
        finally
        {
            Console.SetOut(original);
        }

        return captured.ToString();
    }

    private static (string Path, string? ContentType, byte[] Body)[] Received(List<(string Path, string? ContentType, byte[] Body)> received)
    {
        lock (received)
        {
            return [.. received];
        }
    }
}
