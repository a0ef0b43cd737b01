using System.Xml.Linq;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Docs;

/// <summary>
/// docs/database.md's migration commands (block "ef-migrations"): what a new user needs before <c>dotnet ef</c> works,
/// the tool and the design-time package, on the EF Core line this repository builds against.
/// </summary>
public sealed class DatabaseDocsTests
{
    [Fact]
    public void The_migration_commands_name_the_dotnet_ef_tool_and_the_design_package_of_our_EF_Core_line()
    {
        var versions = XDocument.Load(Path.Combine(Readme.RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion").ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value);
        var efCore = Version.Parse(versions["Microsoft.EntityFrameworkCore.Relational"]);
        var line = $"{efCore.Major}.{efCore.Minor}.*";
        Assert.StartsWith($"{efCore.Major}.{efCore.Minor}.", versions["Microsoft.EntityFrameworkCore.Design"], StringComparison.Ordinal);

        var commands = Readme.Block("docs/database.md", "ef-migrations").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('#')[0].Trim()).ToArray();
        Assert.Equal(
            [
                $"dotnet tool install --global dotnet-ef --version {line}",
                $"dotnet add package Microsoft.EntityFrameworkCore.Design --version {line}",
                "dotnet ef migrations add AddSessions",
                "dotnet ef database update",
            ],
            commands);
    }
}
