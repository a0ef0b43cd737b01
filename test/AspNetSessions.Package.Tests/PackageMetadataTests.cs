using System.Text;
using System.Text.RegularExpressions;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Package.Tests;

/// <summary>What a team checks before adopting a package: licence, one version, metadata, symbols, README, ranges.</summary>
[Collection(PackagesCollection.Name)]
public sealed partial class PackageMetadataTests(PackedPackages packages)
{
    [Fact]
    public void The_repository_has_an_MIT_LICENSE_matching_what_the_packages_declare()
    {
        var license = File.ReadAllText(Path.Combine(Readme.RepositoryRoot, "LICENSE"));

        Assert.StartsWith("MIT License", license, StringComparison.Ordinal);
        Assert.All(packages.Ids, id => Assert.Equal("MIT", packages.Nuspec(id).Element("license")?.Value));
    }

    [Fact]
    public void Every_src_project_packs_with_the_same_version_and_a_symbol_package()
    {
        Assert.NotEmpty(packages.Ids);
        Assert.Contains("AspNetSessions", packages.Ids);
        Assert.All(packages.Ids, id =>
        {
            Assert.True(File.Exists(packages.PackagePath(id)), $"{id}: no {Path.GetFileName(packages.PackagePath(id))}");
            Assert.True(File.Exists(packages.SymbolPackagePath(id)), $"{id}: no symbol package {Path.GetFileName(packages.SymbolPackagePath(id))}");
            Assert.Equal(packages.Version, packages.Nuspec(id).Element("version")!.Value);
        });
    }

    [Fact]
    public void Every_package_has_a_description_tags_and_project_and_repository_urls()
    {
        Assert.All(packages.Ids, id =>
        {
            var nuspec = packages.Nuspec(id);
            string Value(string name) => nuspec.Element(name)?.Value ?? string.Empty;
            Assert.True(Value("description").Length >= 40, $"{id}: description '{Value("description")}' is missing or too short");
            Assert.NotEqual("Package Description", Value("description"));
            Assert.Contains("aspnetcore", Value("tags").Split(' '));
            Assert.StartsWith("https://", Value("projectUrl"), StringComparison.Ordinal);
            Assert.StartsWith("https://", nuspec.Element("repository")?.Attribute("url")?.Value ?? string.Empty, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Every_package_carries_its_own_short_README_without_relative_links()
    {
        Assert.All(packages.Ids, id =>
        {
            Assert.Equal("README.md", packages.Nuspec(id).Element("readme")?.Value);
            var readme = packages.Entry(id, "README.md");
            // Its own, not the repository's: that one is long and full of links a package page cannot follow.
            Assert.Equal(File.ReadAllText(Path.Combine(Readme.RepositoryRoot, "src", id, "README.md")), readme);
            Assert.StartsWith("# " + id + "\n", readme.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.True(readme.Length < 4000, $"{id}: the package README has {readme.Length} characters; keep it short");
            var relative = RelativeLink().Matches(readme).Select(m => m.Value).ToArray();
            Assert.True(relative.Length == 0, $"{id}: relative links on a package page lead nowhere: {string.Join(", ", relative)}");
        });
    }

    [Fact]
    public void Packages_that_build_on_the_core_accept_exactly_its_compatibility_line()
    {
        var dependents = packages.Ids.Where(id => id != "AspNetSessions").ToArray();
        Assert.NotEmpty(dependents);
        Assert.All(dependents, id =>
        {
            var core = packages.Nuspec(id).Descendants("dependency").Single(d => d.Attribute("id")?.Value == "AspNetSessions");
            Assert.Equal(CompatibilityLine(), core.Attribute("version")?.Value);
        });
        Assert.Contains("## Versioning and compatibility", Readme.TextOf("docs/packages.md"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_postgresql_add_on_accepts_the_ef_core_store_of_its_compatibility_line()
    {
        // It extends the store through its public options only (LookupDataSource, IEntityFrameworkCoreSessionStore), so
        // the SPI promise of docs/packages.md covers it: no lock-step, no internals.
        var ef = packages.Nuspec("AspNetSessions.EntityFrameworkCore.PostgreSQL").Descendants("dependency")
            .Single(d => d.Attribute("id")?.Value == "AspNetSessions.EntityFrameworkCore");
        Assert.Equal(CompatibilityLine(), ef.Attribute("version")?.Value);
    }

    /// <summary>docs/packages.md, "Versioning and compatibility": before 1.0 the line is the minor version, from 1.0 the major.</summary>
    private string CompatibilityLine()
    {
        var version = System.Version.Parse(packages.Version.Split('-')[0]);
        var end = version.Major == 0 ? $"0.{version.Minor + 1}.0" : $"{version.Major + 1}.0.0";
        return $"[{packages.Version}, {end})";
    }

    [Fact]
    public async Task CI_builds_are_deterministic_with_repository_relative_paths()
    {
        // CI sets CI=true (every CI service does); the build then maps source paths to /_/ so the same commit builds the
        // same bytes anywhere. Asked of MSBuild itself, with and without the variable.
        var project = Path.Combine(Readme.RepositoryRoot, "src", "AspNetSessions", "AspNetSessions.csproj");
        var inCi = await Command.RunAsync(Readme.RepositoryRoot, TimeSpan.FromMinutes(1), "env", "CI=true", "dotnet", "msbuild", project, "-getProperty:ContinuousIntegrationBuild", "-getProperty:Deterministic");
        Assert.Contains("\"ContinuousIntegrationBuild\": \"true\"", inCi, StringComparison.Ordinal);
        Assert.Contains("\"Deterministic\": \"true\"", inCi, StringComparison.Ordinal);

        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            // This run is CI's: what it packed must already carry mapped paths only.
            var dll = Encoding.UTF8.GetString(packages.EntryBytes("AspNetSessions", "lib/net10.0/AspNetSessions.dll"));
            Assert.Contains("/_/src/AspNetSessions/", dll, StringComparison.Ordinal);
            Assert.DoesNotContain(Readme.RepositoryRoot + "/", dll, StringComparison.Ordinal);
        }
    }

    // A markdown link or image whose target is not absolute: ](target) with no scheme, or src="target".
    [GeneratedRegex(@"\]\((?!https?://|mailto:)[^)]*\)|src=""(?!https?://)[^""]*""")]
    private static partial Regex RelativeLink();
}
