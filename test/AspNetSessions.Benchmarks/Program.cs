using System.Reflection;
using AspNetSessions.Benchmarks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --filter '*'              (full BenchmarkDotNet runs)
// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --filter '*' --job short  (quick: 3 iterations)
// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --memory [count]          (bytes per stored session)
if (args.Length > 0 && args[0] == "--memory")
{
    var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    return await MemoryFootprint.RunAsync(count);
}

// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --scale [count] [memory,redis,postgres]  (bench/scale.sh)
if (args.Length > 0 && args[0] == "--scale")
{
    var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    return await AspNetSessions.Benchmarks.Scale.ScaleBenchmark.RunAsync(count, (args.Length > 2 ? args[2] : "memory,redis,postgres").Split(','));
}

// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --revocation-lag URL_A URL_B [trials] [csv]  (bench/revocation-lag.sh)
if (args.Length >= 3 && args[0] == "--revocation-lag")
{
    var trials = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 300;
    return await RevocationLag.RunAsync(new Uri(args[1]), new Uri(args[2]), trials, args.Length > 4 ? args[4] : "revocation-lag.csv");
}

// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --loop bearer|cookie|floor|no-token [calls]  (for perf record)
if (args.Length >= 2 && args[0] == "--loop")
{
    var calls = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3_000_000;
    return await ProfileLoop.RunAsync(args[1], calls);
}

// dotnet run -c Release --project test/AspNetSessions.Benchmarks -- --dbsc-cpu [rounds]  (DBSC refresh cost in CPU time, for a busy machine)
if (args.Length > 0 && args[0] == "--dbsc-cpu")
{
    return await DeviceBoundRefreshCpu.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9);
}

// "--short" is kept as an alias of BenchmarkDotNet's own "--job short".
var forwarded = args.SelectMany(a => a == "--short" ? new[] { "--job", "short" } : [a]).ToArray();
var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
var summaries = BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(forwarded, config);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
