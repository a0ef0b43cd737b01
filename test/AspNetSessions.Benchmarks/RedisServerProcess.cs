using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AspNetSessions.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace AspNetSessions.Benchmarks;

/// <summary>
/// A throw-away <c>redis-server</c> for one benchmark process: a free loopback port, no persistence
/// (<c>--save "" --appendonly no</c>), stopped (killed) on dispose.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private RedisServerProcess(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <param name="extraArguments">More <c>redis-server</c> arguments, e.g. <c>--replicaof 127.0.0.1 PORT</c>.</param>
    public static async Task<RedisServerProcess> StartAsync(params string[] extraArguments)
    {
        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("aspnetsessions-bench-redis-").FullName;
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { "--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", directory }.Concat(extraArguments))
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server not found: install it (apt-get install redis-server).", e);
        }

        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, port, directory);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <param name="keyPrefix">The store's key prefix.</param>
    /// <param name="commandTimeout">The store's <see cref="RedisSessionStoreOptions.CommandTimeout"/>; the default (1 s) unless given.</param>
    public RedisSessionStore CreateStore(string keyPrefix, TimeSpan? commandTimeout = null)
    {
        var options = new RedisSessionStoreOptions { Configuration = Configuration, KeyPrefix = keyPrefix };
        options.CommandTimeout = commandTimeout ?? options.CommandTimeout;
        return new(new RedisConnection(options, NullLogger.Instance), keyPrefix, NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
