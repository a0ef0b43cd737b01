using AspNetSessions.TestSupport;
using MyApp.Tests;

namespace AspNetSessions.Tests.Docs;

/// <summary>
/// docs/testing.md shows three test classes for a user's own app: they are <see cref="MyAppBearerTests"/>,
/// <see cref="MyAppCookieTests"/> and <see cref="MyAppExpiryTests"/>, compiled and run by this project against the
/// sample, character for character.
/// </summary>
public sealed class TestingGuideTests
{
    [Theory]
    [InlineData("testing-bearer", "MyAppBearerTests.cs")]
    [InlineData("testing-cookie", "MyAppCookieTests.cs")]
    [InlineData("testing-expiry", "MyAppExpiryTests.cs")]
    public void The_guide_shows_the_test_classes_that_run_here(string block, string file)
    {
        var source = File.ReadAllText(Path.Combine(Readme.RepositoryRoot, "test", "AspNetSessions.Tests", "Docs", file)).ReplaceLineEndings("\n");
        Assert.Equal(source, Readme.Block("docs/testing.md", block));
    }
}
