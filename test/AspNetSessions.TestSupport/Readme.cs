namespace AspNetSessions.TestSupport;

/// <summary>
/// The repository's README.md, for tests that run what it shows: a block between <c>&lt;!-- {name}:begin --&gt;</c>
/// and <c>&lt;!-- {name}:end --&gt;</c> is read from the file itself, so the README and the test cannot drift apart.
/// </summary>
public static class Readme
{
    /// <summary>The repository's root folder (the one with AspNetSessions.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Text => File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");

    /// <summary>The code inside the fence of the block marked <paramref name="name"/>.</summary>
    public static string Block(string name)
    {
        var readme = Text;
        var begin = readme.IndexOf($"<!-- {name}:begin -->", StringComparison.Ordinal);
        var end = readme.IndexOf($"<!-- {name}:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md has no block marked <!-- {name}:begin --> … <!-- {name}:end -->");
        var block = readme[begin..end];
        var fenceOpen = block.IndexOf("```", StringComparison.Ordinal);
        var codeStart = block.IndexOf('\n', fenceOpen) + 1;
        var fenceClose = block.LastIndexOf("```", StringComparison.Ordinal);
        Assert.True(fenceOpen >= 0 && fenceClose > codeStart, $"the README block {name} has no code fence");
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
