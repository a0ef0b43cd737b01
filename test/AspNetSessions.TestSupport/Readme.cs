namespace AspNetSessions.TestSupport;

/// <summary>
/// The repository's Markdown pages (README.md, docs/*.md, …), for tests that run what they show: a block between
/// <c>&lt;!-- {name}:begin --&gt;</c> and <c>&lt;!-- {name}:end --&gt;</c> is read from the page itself, so the page
/// and the test cannot drift apart.
/// </summary>
public static class Readme
{
    /// <summary>The repository's root folder (the one with AspNetSessions.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>README.md's text.</summary>
    public static string Text => TextOf("README.md");

    /// <summary>The text of a page, by its path from the repository root (e.g. <c>docs/observability.md</c>).</summary>
    public static string TextOf(string page) =>
        File.ReadAllText(Path.Combine(RepositoryRoot, page)).ReplaceLineEndings("\n");

    /// <summary>The code inside the fence of README.md's block marked <paramref name="name"/>.</summary>
    public static string Block(string name) => Block("README.md", name);

    /// <summary>The code inside the fence of the block marked <paramref name="name"/> in <paramref name="page"/>.</summary>
    public static string Block(string page, string name)
    {
        var text = TextOf(page);
        var begin = text.IndexOf($"<!-- {name}:begin -->", StringComparison.Ordinal);
        var end = text.IndexOf($"<!-- {name}:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{page} has no block marked <!-- {name}:begin --> … <!-- {name}:end -->");
        var block = text[begin..end];
        var fenceOpen = block.IndexOf("```", StringComparison.Ordinal);
        var codeStart = block.IndexOf('\n', fenceOpen) + 1;
        var fenceClose = block.LastIndexOf("```", StringComparison.Ordinal);
        Assert.True(fenceOpen >= 0 && fenceClose > codeStart, $"the block {name} of {page} has no code fence");
        return block[codeStart..fenceClose];
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AspNetSessions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AspNetSessions.sln above {AppContext.BaseDirectory}.");
    }
}
