using System.Reflection;

namespace AspNetSessions.TestSupport;

/// <summary>
/// Compares an assembly's public surface with its snapshot in <c>test/AspNetSessions.Tests/PublicApi/{name}.txt</c>,
/// so every change to it is a visible diff. To accept a deliberate change, copy the <c>.received.txt</c> written
/// beside it over the <c>.txt</c>.
/// </summary>
public static class PublicApiSnapshot
{
    public static void Assert(Assembly assembly, string name)
    {
        var actual = string.Join('\n', Describe(assembly)) + "\n";
        var directory = Path.Combine(FindRepositoryRoot(), "test", "AspNetSessions.Tests", "PublicApi");
        var expectedPath = Path.Combine(directory, name + ".txt");
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath) : string.Empty;
        if (expected != actual)
        {
            File.WriteAllText(Path.Combine(directory, name + ".received.txt"), actual);
        }

        Xunit.Assert.Equal(expected, actual);
    }

    private static IEnumerable<string> Describe(Assembly assembly)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            yield return $"{Kind(type)} {type.FullName}{Base(type)}";
            var members = type.GetMembers(flags)
                .Where(m => m switch
                {
                    MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !(method is MethodInfo { IsSpecialName: true }),
                    FieldInfo field => field.IsPublic || field.IsFamily,
                    PropertyInfo property => property.GetMethod is { } get && (get.IsPublic || get.IsFamily),
                    EventInfo => true,
                    _ => false,
                })
                .Where(m => !m.Name.StartsWith("<", StringComparison.Ordinal) && m.Name != "EqualityContract")
                .Select(m => "    " + m.ToString())
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                yield return member;
            }
        }
    }

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    private static string Base(Type type) =>
        type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) ? " : " + b.FullName : string.Empty;

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AspNetSessions.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("AspNetSessions.sln not found above " + AppContext.BaseDirectory);
    }
}
