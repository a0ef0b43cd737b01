using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AspNetSessions.Redis.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> process on a free loopback port, with its own temporary directory, for integration
/// tests. Self-contained (no dependency on the client under test), so other test projects can link this file and
/// <see cref="RedisServerOptions"/>.
/// </summary>
/// <example>
/// <code>
/// await using var server = await RedisServer.StartAsync(new RedisServerOptions { Password = "secret" });
/// var configuration = server.ConfigurationString; // "127.0.0.1:PORT,password=secret"
/// </code>
/// </example>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>The message thrown when <c>redis-server</c> is not installed.</summary>
    public const string NotFoundMessage = "redis-server not found: run the README's test command, which installs it";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);

    // A safety net: servers still running when the test process exits (a fixture that failed half-way) are killed.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Process, byte> Running = new();

    static RedisServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Keys)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    };

    private readonly RedisServerOptions _options;
    private readonly string _executable;
    private readonly List<string> _log = [];
    private Process? _process;
    private bool _started;

    private RedisServer(RedisServerOptions options, string executable, string directory)
    {
        _options = options;
        _executable = executable;
        DataDirectory = directory;
        ChoosePorts();
        if (options.Tls)
        {
            TlsCertificate = CreateCertificate(directory);
        }
    }

    /// <summary>The loopback address the server binds.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The TCP port (kept across <see cref="RestartAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The TLS port when <see cref="RedisServerOptions.Tls"/> is set, otherwise 0.</summary>
    public int TlsPort { get; private set; }

    /// <summary>
    /// The cluster bus port when <see cref="RedisServerOptions.ClusterNode"/> is set, otherwise 0. A port of its own
    /// (<c>cluster-port</c>), not Redis's default of <see cref="Port"/> + 10000, which nothing had checked was free.
    /// </summary>
    public int ClusterBusPort { get; private set; }

    /// <summary>The server's self-signed certificate when <see cref="RedisServerOptions.Tls"/> is set.</summary>
    public X509Certificate2? TlsCertificate { get; }

    /// <summary>A client configuration string for the TLS port: <c>127.0.0.1:TLSPORT,ssl=true,sslHost=localhost</c>, plus the password.</summary>
    public string TlsConfigurationString => string.Create(CultureInfo.InvariantCulture, $"{Host}:{TlsPort},ssl=true,sslHost=localhost")
        + (_options.Password is null ? string.Empty : ",password=" + _options.Password);

    /// <summary>The server's fresh temporary directory (deleted on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>The <c>requirepass</c> password, or null.</summary>
    public string? Password => _options.Password;

    /// <summary>The options the server was started with.</summary>
    public RedisServerOptions Options => _options;

    /// <summary>A client configuration string for this server: <c>127.0.0.1:PORT</c>, plus <c>password=</c> when set.</summary>
    public string ConfigurationString => _options.Password is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port},password={_options.Password}");

    /// <summary>Sends a signal to the process (e.g. <c>STOP</c> to hang it like a frozen VM, <c>CONT</c> to wake it).</summary>
    public async Task SignalAsync(string signal)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("The server is not running.");
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server and waits until it answers <c>PING</c>.</summary>
    /// <param name="options">How to start it; null for an open, non-persistent server.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="InvalidOperationException"><c>redis-server</c> is not on PATH, or it did not come up.</exception>
    public static async Task<RedisServer> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(NotFoundMessage);
        var directory = Path.Combine(Path.GetTempPath(), "aspnetsessions-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new RedisServer(options ?? new RedisServerOptions(), executable, directory);
        try
        {
            await server.StartProcessAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process (SIGKILL: like a crash or a pulled cable, clients see the connection drop).</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        using (process)
        {
            Running.TryRemove(process, out _);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(StopDeadline);
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    /// <summary>Stops the server if it runs, then starts it again on the same port and directory.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartProcessAsync(cancellationToken);
    }

    /// <summary>
    /// Sends one command over a fresh connection (authenticated when a password is set) and returns the reply as
    /// text: simple strings, errors (prefixed with <c>-</c>), integers and bulk strings (null for a null bulk).
    /// For setup and checks that must not depend on the client under test.
    /// </summary>
    /// <param name="command">The command and its arguments, e.g. <c>"CONFIG", "SET", "timeout", "1"</c>.</param>
    public async Task<string?> ExecuteAsync(params string[] command)
    {
        using var timeout = new CancellationTokenSource(StartDeadline);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
        var stream = client.GetStream();
        if (_options.Password is not null)
        {
            await WriteCommandAsync(stream, ["AUTH", _options.Password], timeout.Token);
            var auth = await ReadReplyAsync(stream, timeout.Token);
            if (auth != "OK")
            {
                throw new InvalidOperationException("AUTH failed: " + auth);
            }
        }

        await WriteCommandAsync(stream, command, timeout.Token);
        return await ReadReplyAsync(stream, timeout.Token);
    }

    /// <summary>
    /// Whether the server answers a PING on a fresh connection within <paramref name="window"/>: false while it is
    /// blocked (DEBUG SLEEP, SIGSTOP). Lets a test wait for the block to begin instead of sleeping a guessed while.
    /// </summary>
    public async Task<bool> AnswersWithinAsync(TimeSpan window)
    {
        using var timeout = new CancellationTokenSource(window);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await WriteCommandAsync(stream, ["PING"], timeout.Token);
            return await ReadReplyAsync(stream, timeout.Token) is not null;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Kills the server and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        TlsCertificate?.Dispose();
        try
        {
            await StopAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp directory left behind is harmless.
            }
        }
    }

    /// <summary>The server's log so far (for assertion messages).</summary>
    public string GetLog()
    {
        lock (_log)
        {
            return string.Join(Environment.NewLine, _log);
        }
    }

    private static string? FindExecutable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, "redis-server")))
            {
                return Path.Combine(directory, "redis-server");
            }
        }

        return null;
    }

    // Before the first start only: a restart keeps its ports, as clients and cluster peers know them.
    private void ChoosePorts()
    {
        Port = GetFreePort();
        TlsPort = _options.Tls ? GetFreePort() : 0;
        ClusterBusPort = _options.ClusterNode ? GetFreePort() : 0;
    }

    private static int GetFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static X509Certificate2 CreateCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(directory, "server.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), key.ExportPkcs8PrivateKeyPem());
        return certificate;
    }

    private List<string> BuildArguments()
    {
        if (_options.SentinelFor != 0)
        {
            // Sentinel rewrites its configuration file, so it lives in the server's own directory.
            var file = Path.Combine(DataDirectory, "sentinel.conf");
            File.WriteAllText(file, string.Join('\n',
                string.Create(CultureInfo.InvariantCulture, $"port {Port}"),
                $"bind {Host}",
                $"dir {DataDirectory}",
                string.Create(CultureInfo.InvariantCulture, $"sentinel monitor {RedisSentinel.ServiceName} {Host} {_options.SentinelFor} 1"),
                $"sentinel down-after-milliseconds {RedisSentinel.ServiceName} 1000",
                $"sentinel failover-timeout {RedisSentinel.ServiceName} 10000",
                string.Empty));
            return [file, "--sentinel"];
        }

        var args = new List<string>
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", Host,
            "--save", string.Empty,
            "--dir", DataDirectory,
            "--daemonize", "no",
            "--logfile", string.Empty,
            "--enable-debug-command", "yes",
        };
        if (_options.AppendOnly)
        {
            args.AddRange(["--appendonly", "yes", "--appendfsync", "always"]);
        }
        else
        {
            args.AddRange(["--appendonly", "no"]);
        }

        if (_options.Password is not null)
        {
            args.AddRange(["--requirepass", _options.Password]);
        }

        if (_options.AclUser is not null)
        {
            args.AddRange(["--user", _options.AclUser, "on", ">" + (_options.AclPassword ?? string.Empty), "~*", "&*", "+@all"]);
        }

        if (_options.ClusterNode)
        {
            args.AddRange([
                "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf",
                "--cluster-port", ClusterBusPort.ToString(CultureInfo.InvariantCulture),
            ]);
        }

        if (_options.Tls)
        {
            args.AddRange([
                "--tls-port", TlsPort.ToString(CultureInfo.InvariantCulture),
                "--tls-cert-file", Path.Combine(DataDirectory, "server.crt"),
                "--tls-key-file", Path.Combine(DataDirectory, "server.key"),
                "--tls-auth-clients", "no",
            ]);
        }

        args.AddRange(_options.ExtraArguments);
        return args;
    }

    private async Task StartProcessAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var info = new ProcessStartInfo(_executable)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = DataDirectory,
            };
            foreach (var arg in BuildArguments())
            {
                info.ArgumentList.Add(arg);
            }

            var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => AppendLog(e.Data);
            process.ErrorDataReceived += (_, e) => AppendLog(e.Data);
            process.Start();
            Running[process] = 0;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;

            // Bounded polling: the only wait here is for a real process to come up.
            while (deadline.Elapsed < StartDeadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                {
                    break;
                }

                if (await IsReadyAsync(cancellationToken))
                {
                    _started = true;
                    return;
                }

                await Task.Delay(20, cancellationToken);
            }

            await StopAsync();
            if (deadline.Elapsed >= StartDeadline)
            {
                throw new InvalidOperationException(
                    $"redis-server did not answer PING on port {Port} within {StartDeadline.TotalSeconds} s. Log:{Environment.NewLine}{GetLog()}");
            }

            // Exited early (e.g. a port was taken between choosing it and binding it): try again until the deadline,
            // on fresh ports while this server has never run.
            if (!_started)
            {
                ChoosePorts();
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync("PING") == "PONG";
        }
        catch (Exception ex) when (ex is SocketException or IOException or InvalidOperationException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.Count < 500)
            {
                _log.Add(line);
            }
        }
    }

    private static async Task WriteCommandAsync(NetworkStream stream, string[] command, CancellationToken cancellationToken)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"*{command.Length}\r\n");
        foreach (var part in command)
        {
            builder.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(builder.ToString()), cancellationToken);
    }

    private static async Task<string?> ReadReplyAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(stream, cancellationToken);
        switch (line[0])
        {
            case '+':
            case ':':
                return line[1..];
            case '-':
                return line;
            case '$':
                var length = int.Parse(line.AsSpan(1), CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var buffer = new byte[length + 2];
                await stream.ReadExactlyAsync(buffer, cancellationToken);
                return Encoding.UTF8.GetString(buffer, 0, length);
            default:
                throw new InvalidOperationException("Unsupported reply type in the test helper: " + line[0]);
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            if (one[0] == '\n' && bytes.Count > 0 && bytes[^1] == '\r')
            {
                return Encoding.UTF8.GetString(bytes.ToArray(), 0, bytes.Count - 1);
            }

            bytes.Add(one[0]);
        }
    }
}
