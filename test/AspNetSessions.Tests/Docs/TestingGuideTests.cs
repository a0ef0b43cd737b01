using AspNetSessions.TestSupport;
using MyApp.Tests;

namespace AspNetSessions.Tests.Docs;

/// <summary>
/// docs/testing.md shows two test classes for a user's own app: they are <see cref="MyAppBearerTests"/> and
/// <see cref="MyAppCookieTests"/>, compiled and run by this project against the sample, character for character.
/// </summary>
public sealed class TestingGuideTests
{
    [Theory]
    [InlineData("testing-bearer", "MyAppBearerTests.cs")]
    [InlineData("testing-cookie", "MyAppCookieTests.cs")]
    public void The_guide_shows_the_test_classes_that_run_here(string block, string file)
    {
        var source = File.ReadAllText(Path.Combine(Readme.RepositoryRoot, "test", "AspNetSessions.Tests", "Docs", file)).ReplaceLineEndings("\n");
        Assert.Equal(source, Readme.Block("docs/testing.md", block));
    }
}
