using System.Text.RegularExpressions;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Tests.Docs;

/// <summary>
/// The documentation a reader follows: every relative link in the README, docs/, CONTRIBUTING.md, the sample's page and
/// the benchmark results resolves to a file or folder of the repository, and every <c>#anchor</c> to a heading of
/// its page (GitHub's slugs); the README stays one screen deep.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    public static TheoryData<string> Pages { get; } = new(
        new[] { "README.md", "CONTRIBUTING.md", "samples/WebApp/README.md", "bench/results/README.md" }
            .Concat(Directory.GetFiles(Path.Combine(Readme.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Readme.RepositoryRoot, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_relative_link_and_anchor_resolves(string page)
    {
        var broken = new List<string>();
        foreach (var target in Links(Readme.TextOf(page)))
        {
            if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "mailto")
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var path = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
            var file = path.Length == 0
                ? Path.Combine(Readme.RepositoryRoot, page)
                : Path.GetFullPath(Path.Combine(Readme.RepositoryRoot, Path.GetDirectoryName(page)!, Uri.UnescapeDataString(path)));
            if (!File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is not null && !(file.EndsWith(".md", StringComparison.Ordinal) && Anchors(File.ReadAllText(file)).Contains(anchor)))
            {
                broken.Add($"{target}: no heading with that anchor");
            }
        }

        Assert.True(broken.Count == 0, $"{page} has broken links:\n  " + string.Join("\n  ", broken));
    }

    [Fact]
    public void The_README_stays_one_screen_deep()
    {
        var lines = Readme.Text.Split('\n').Length - 1;
        Assert.True(lines <= 400, $"README.md has {lines} lines; move detail to a page under docs/");
    }

    [Fact]
    public void Anchors_are_GitHub_slugs()
    {
        var anchors = Anchors("# Near-cache (`SessionAuth:NearCache`)\n## API keys: names, scopes and a per-user cap\n## Step-up\n## Step-up\n```\n# not a heading\n```\n");
        Assert.Equal(["near-cache-sessionauthnearcache", "api-keys-names-scopes-and-a-per-user-cap", "step-up", "step-up-1"], anchors);
    }

    /// <summary>Link targets outside code fences: <c>[text](target)</c> and <c>![alt](target)</c>, the text possibly over several lines.</summary>
    private static IEnumerable<string> Links(string markdown) =>
        Link().Matches(string.Join('\n', OutsideFences(markdown))).Select(m => m.Groups[1].Value);

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    private static List<string> Anchors(string markdown)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var anchors = new List<string>();
        foreach (var line in OutsideFences(markdown.ReplaceLineEndings("\n")))
        {
            if (Heading().Match(line) is { Success: true } heading)
            {
                var slug = NotInSlug().Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-');
                var repeats = seen.GetValueOrDefault(slug);
                anchors.Add(repeats == 0 ? slug : $"{slug}-{repeats}");
                seen[slug] = repeats + 1;
            }
        }

        return anchors;
    }

    private static IEnumerable<string> OutsideFences(string markdown)
    {
        var inFence = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            else if (!inFence)
            {
                yield return line;
            }
        }
    }

    [GeneratedRegex(@"!?\[[^\]]*\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*#*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\s_-]")]
    private static partial Regex NotInSlug();
}
