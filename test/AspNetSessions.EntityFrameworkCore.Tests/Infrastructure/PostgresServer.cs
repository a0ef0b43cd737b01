using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace AspNetSessions.EntityFrameworkCore.Tests.Infrastructure;

/// <summary>
/// A real, throwaway PostgreSQL server: initdb into a temp directory and pg_ctl start on a free loopback port, through
/// .ci/throwaway-postgres (the same script the benchmarks use). Stopped and deleted on dispose. Each test class takes
/// a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aspnetsessions-pg-" + Guid.NewGuid().ToString("N")[..8]);
    private int _databases;

    /// <summary>The server's port: kept across <see cref="Stop"/> and <see cref="Start"/>, which the tests' connection strings name.</summary>
    public int Port { get; private set; } = FreePort();

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=15;Command Timeout=15";

    /// <summary>
    /// The first start. A port chosen free can be taken before PostgreSQL binds it (e.g. as another connection's
    /// ephemeral port), so a start that fails for that tries again on a fresh one, twice at most.
    /// </summary>
    public Task InitializeAsync() => Task.Run(() =>
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Start();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3 && PortWasTaken())
            {
                Port = FreePort();
            }
        }
    });

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Task.Run(() => Script("destroy", _directory));
    }

    /// <summary>Starts the server (again, after <see cref="Stop"/>: the data is kept).</summary>
    /// <remarks>Every test class takes a database, and with it an Npgsql pool, of its own on this one server (and each
    /// near-cached instance a LISTEN connection): room for them all beyond PostgreSQL's default of 100. pg_stat_statements
    /// (with planning counted) lets a test see which statements a lookup sends and whether they were prepared.</remarks>
    public void Start() => Script("start", _directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "max_connections=400",
        "-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track_planning=on");

    /// <summary>Stops the server (fast shutdown: open connections are closed).</summary>
    public void Stop() => Script("stop", _directory);

    /// <summary>A new, empty database; its name starts with <paramref name="prefix"/>.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(Unpooled(ConnectionString("postgres")));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Runs SQL on a database and returns every value of every row as text (for dumps).</summary>
    public static async Task<List<string>> QueryTextAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(Unpooled(connectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values.Add(reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!);
            }
        }

        return values;
    }

    private bool PortWasTaken()
    {
        var log = Path.Combine(_directory, "server.log");
        return File.Exists(log) && File.ReadAllText(log).Contains("Address already in use", StringComparison.Ordinal);
    }

    /// <summary>The test's own connections are not pooled, so a server restart by another test never hands them a dead one.</summary>
    private static string Unpooled(string connectionString) => connectionString + ";Pooling=false";

    private static void Script(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, ".ci", "throwaway-postgres"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(90_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"throwaway-postgres {string.Join(' ', arguments)} timed out");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"throwaway-postgres {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}");
        }
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "test.sh")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("test.sh not found above " + AppContext.BaseDirectory);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
