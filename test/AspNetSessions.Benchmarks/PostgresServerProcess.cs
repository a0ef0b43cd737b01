using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AspNetSessions.EntityFrameworkCore;
using AspNetSessions.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// A throw-away PostgreSQL server for one benchmark process (.ci/throwaway-postgres, as the tests use: a free loopback
/// port, fsync off), with the EF Core store on it and its table created; destroyed on dispose.
/// </summary>
internal sealed class PostgresServerProcess : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ServiceProvider _services;

    private PostgresServerProcess(string directory, string connectionString, ServiceProvider services)
    {
        _directory = directory;
        ConnectionString = connectionString;
        _services = services;
        Store = services.GetRequiredService<EntityFrameworkCoreSessionStore<SessionDbContext>>();
    }

    public string ConnectionString { get; }

    public EntityFrameworkCoreSessionStore<SessionDbContext> Store { get; }

    /// <param name="connectionOptions">Npgsql options appended to the connection string, e.g. <c>No Reset On Close=true</c>.</param>
    /// <param name="lookupsBelowEfCore">Whether the store is wired with <c>AddPostgreSqlLookups()</c>, as an app on PostgreSQL wires it.</param>
    public static async Task<PostgresServerProcess> StartAsync(string connectionOptions, bool lookupsBelowEfCore = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aspnetsessions-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        var port = FreePort();
        // BENCH_POSTGRES_SETTINGS: server settings as "-c name=value" words, e.g. "-c shared_buffers=1GB -c huge_pages=on" (bench/scale.sh passes it through).
        var settings = (Environment.GetEnvironmentVariable("BENCH_POSTGRES_SETTINGS") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Script(["start", directory, port.ToString(CultureInfo.InvariantCulture), .. settings]);
        var connectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;{connectionOptions}";
        var services = new ServiceCollection();
        services.AddLogging();
        var sessions = services.AddSessionAuth(_ => { }).AddEntityFrameworkCoreStore(db => db.UseNpgsql(connectionString));
        if (lookupsBelowEfCore)
        {
            sessions.AddPostgreSqlLookups();
        }

        var provider = services.BuildServiceProvider();
        await using (var context = await provider.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync())
        {
            await context.Database.EnsureCreatedAsync();
        }

        return new PostgresServerProcess(directory, connectionString, provider);
    }

    /// <summary>
    /// Writes <paramref name="records"/> with one binary <c>COPY</c>, as rows the store itself would write
    /// (<see cref="SessionRowCodec.ToRow"/>, into the columns of the EF Core model): the fast way to load millions.
    /// </summary>
    public async Task CopyAsync(IEnumerable<SessionRecord> records)
    {
        await using var context = await _services.GetRequiredService<IDbContextFactory<SessionDbContext>>().CreateDbContextAsync();
        var entity = context.Model.GetEntityTypes().Single(e => e.ClrType == typeof(SessionRow)); // the default table's
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties().Where(p => p.PropertyInfo is not null).ToArray();
        var names = string.Join(", ", columns.Select(p => "\"" + p.GetColumnName(table) + "\""));
        var target = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{table.Name}\"" : $"\"{table.Name}\"";
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var import = await connection.BeginBinaryImportAsync($"COPY {target} ({names}) FROM STDIN (FORMAT BINARY)");
        foreach (var record in records)
        {
            var row = SessionRowCodec.ToRow(record, version: 1);
            await import.StartRowAsync();
            foreach (var column in columns)
            {
                var value = column.PropertyInfo!.GetValue(row);
                if (value is null)
                {
                    await import.WriteNullAsync();
                }
                else
                {
                    await import.WriteAsync(column.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value);
                }
            }
        }

        await import.CompleteAsync();
    }

    /// <summary>Runs <paramref name="sql"/> and returns its first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        Script("destroy", _directory);
    }

    private static void Script(params string[] arguments)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "test.sh")))
        {
            root = root.Parent;
        }

        var start = new ProcessStartInfo(Path.Combine(root?.FullName ?? throw new InvalidOperationException("test.sh not found"), ".ci", "throwaway-postgres"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"throwaway-postgres {string.Join(' ', arguments)} failed");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
