using System.Reflection;

namespace AspNetSessions.Package.Tests;

/// <summary>The configuration the repository's projects were built in for this test run (the one to pack).</summary>
public static class Repository
{
    public static string Configuration { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;
}
