using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// The near-cache's revocation lag across instances, over HTTP: two bench/BenchApp processes (A and B) on one store,
/// both with the near-cache on. Per trial: sign in on A, make B cache the session (two authenticated requests), sign
/// out on A, and from the moment that answer arrives ask B again and again until it answers 401. The lag is that
/// time (B's last, refusing request included). Driven by bench/revocation-lag.sh, which starts the stores and processes:
///   dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --revocation-lag http://A http://B 300 out.csv
/// </summary>
internal static class RevocationLag
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(Uri a, Uri b, int trials, string csv)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var lags = new List<double>(trials);
        var staleAnswers = new List<int>(trials);
        for (var trial = -10; trial < trials; trial++) // 10 warm-up trials, not recorded
        {
            using var signIn = await http.PostAsync(new Uri(a, "/credential"), null);
            var (name, value) = Split(await signIn.Content.ReadAsStringAsync());
            for (var i = 0; i < 2; i++)
            {
                Expect(await SendAsync(http, HttpMethod.Get, new Uri(b, "/hello"), name, value), HttpStatusCode.OK, "B before the sign-out");
            }

            Expect(await SendAsync(http, HttpMethod.Post, new Uri(a, "/signout"), name, value), HttpStatusCode.NoContent, "the sign-out on A");
            var clock = Stopwatch.StartNew();
            var stale = 0;
            while (await SendAsync(http, HttpMethod.Get, new Uri(b, "/hello"), name, value) != HttpStatusCode.Unauthorized)
            {
                stale++;
                if (clock.Elapsed > GiveUp)
                {
                    Console.Error.WriteLine($"trial {trial}: B still accepts the token {clock.Elapsed} after the sign-out");
                    return 1;
                }
            }

            if (trial >= 0)
            {
                lags.Add(clock.Elapsed.TotalMilliseconds);
                staleAnswers.Add(stale);
            }
        }

        var lines = new StringBuilder("trial,lag_ms,answers_200_after_signout\n");
        for (var i = 0; i < lags.Count; i++)
        {
            lines.Append(CultureInfo.InvariantCulture, $"{i},{lags[i]:F3},{staleAnswers[i]}\n");
        }

        await File.WriteAllTextAsync(csv, lines.ToString());
        var sorted = lags.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trials={sorted.Length} p50_ms={Percentile(sorted, 0.50):F2} p90_ms={Percentile(sorted, 0.90):F2} p99_ms={Percentile(sorted, 0.99):F2} max_ms={sorted[^1]:F2} mean_ms={sorted.Average():F2} trials_with_a_200_after_signout={staleAnswers.Count(s => s > 0)}"));
        return 0;
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static (string Name, string Value) Split(string header)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        return (header[..colon], header[(colon + 1)..].Trim());
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, HttpMethod method, Uri uri, string name, string value)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static void Expect(HttpStatusCode got, HttpStatusCode wanted, string what)
    {
        if (got != wanted)
        {
            throw new InvalidOperationException($"{what} answered {(int)got}, not {(int)wanted}");
        }
    }
}
