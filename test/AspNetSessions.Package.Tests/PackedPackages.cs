using System.IO.Compression;
using System.Xml.Linq;
using AspNetSessions.TestSupport;

namespace AspNetSessions.Package.Tests;

/// <summary>
/// Every project under src/ packed once into a temporary folder by the command the README shows
/// (<c>./pack.sh folder</c>), as a user makes their local feed. pack.sh gives every pack a version of its own
/// (<c>-local.&lt;UTC time&gt;</c>), so NuGet's global package cache can never hand a test an older build of the same
/// version; the run's entries are removed from that cache afterwards.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("aspnetsessions-packages-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string? VersionOrNull { get; private set; }

    public string Version => VersionOrNull ?? throw new InvalidOperationException("Not packed.");

    /// <summary>The package ids, one per src project.</summary>
    public IReadOnlyList<string> Ids { get; private set; } = [];

    public static IReadOnlyList<string> SourceProjects { get; } = Directory
        .GetFiles(Path.Combine(Readme.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal).ToArray();

    /// <summary>The README's command that makes the local feed: the script, with the folder as its one argument.</summary>
    public const string PackScript = "./pack.sh";

    public async Task InitializeAsync()
    {
        // Already built by this test project's build (the src projects are its references): packing only.
        await Command.RunAsync(Readme.RepositoryRoot, TimeSpan.FromMinutes(5), "env", "CONFIGURATION=" + Repository.Configuration,
            "bash", PackScript, Feed, "--no-build");
        Ids = SourceProjects.Select(Path.GetFileNameWithoutExtension).ToArray()!;
        Assert.Equal(Ids.Count * 2, Directory.GetFiles(Feed).Length);   // a package and a symbol package each
        // The version is Directory.Build.props' VersionPrefix plus pack.sh's suffix: read it back from the core package's name.
        var core = Path.GetFileNameWithoutExtension(Directory.GetFiles(Feed, "AspNetSessions.*.nupkg")
            .Single(f => char.IsDigit(Path.GetFileName(f)["AspNetSessions.".Length])));
        VersionOrNull = core["AspNetSessions.".Length..];
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in VersionOrNull is null ? [] : Ids)
        {
            var folder = Path.Combine(cache, id.ToLowerInvariant());
            if (Directory.Exists(Path.Combine(folder, Version)))
            {
                Directory.Delete(Path.Combine(folder, Version), recursive: true);
            }

            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }

        return Task.CompletedTask;
    }

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackagePath(string id) => Path.ChangeExtension(PackagePath(id), ".snupkg");

    /// <summary>The package's .nuspec <c>metadata</c> element.</summary>
    public XElement Nuspec(string id)
    {
        using var package = ZipFile.OpenRead(PackagePath(id));
        var entry = package.Entries.Single(e => e.FullName == id + ".nuspec");
        using var stream = entry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        // NuGet picks the nuspec schema (namespace) by the features a package uses; compare local names only.
        foreach (var element in metadata.DescendantsAndSelf())
        {
            element.Name = element.Name.LocalName;
        }

        return metadata;
    }

    public string Entry(string id, string path)
    {
        using var package = ZipFile.OpenRead(PackagePath(id));
        var entry = package.GetEntry(path);
        Assert.True(entry is not null, $"{id} has no {path}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    public byte[] EntryBytes(string id, string path)
    {
        using var package = ZipFile.OpenRead(PackagePath(id));
        using var stream = package.GetEntry(path)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}
