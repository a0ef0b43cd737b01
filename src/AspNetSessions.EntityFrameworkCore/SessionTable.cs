using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>One session table as the model declares it: its entity name, the kinds it holds, its promoted metadata columns.</summary>
internal sealed class SessionTable(string entityName, bool holdsAnyKind, IReadOnlyList<string> kinds, IReadOnlyDictionary<string, SessionMetadataColumn> promoted, SessionTableLocation columns)
{
    public string EntityName { get; } = entityName;

    /// <summary>Where the table is in the database (after naming conventions), for provider add-ons that add SQL of their own.</summary>
    public SessionTableLocation Columns { get; } = columns;

    public bool HoldsAnyKind { get; } = holdsAnyKind;

    public IReadOnlyList<string> Kinds { get; } = kinds;

    /// <summary>Metadata key → promoted column (the shadow property is <see cref="SessionModelAnnotations.PromotedProperty"/>).</summary>
    public IReadOnlyDictionary<string, SessionMetadataColumn> Promoted { get; } = promoted;

    /// <summary>The session tables of <paramref name="model"/>, and which table holds which kind.</summary>
    public static SessionTableMap MapOf(IModel model)
    {
        var tables = new List<SessionTable>();
        foreach (var entity in model.GetEntityTypes())
        {
            if (entity.ClrType != typeof(SessionRow) || entity.FindAnnotation(SessionModelAnnotations.Kinds)?.Value is not string kinds)
            {
                continue;
            }

            var promoted = new Dictionary<string, SessionMetadataColumn>(StringComparer.Ordinal);
            foreach (var property in entity.GetProperties())
            {
                if (property.FindAnnotation(SessionModelAnnotations.MetadataKey)?.Value is string key)
                {
                    promoted[key] = new SessionMetadataColumn(key, property.GetColumnName(), property.GetMaxLength() ?? int.MaxValue);
                }
            }

            var any = kinds == SessionModelAnnotations.AnyKind;
            var columns = new SessionTableLocation(
                entity.GetSchema(),
                entity.GetTableName() ?? entity.Name,
                entity.FindProperty(nameof(SessionRow.Kind))!.GetColumnName(),
                entity.FindProperty(nameof(SessionRow.Id))!.GetColumnName(),
                entity.FindProperty(nameof(SessionRow.Version))!.GetColumnName());
            tables.Add(new SessionTable(entity.Name, any, any ? [] : kinds.Split(SessionModelAnnotations.KindSeparator), promoted, columns));
        }

        return new SessionTableMap(tables);
    }
}

/// <summary>Which table holds which kind: a kind mapped to a table of its own, else the default table.</summary>
internal sealed class SessionTableMap
{
    private readonly Dictionary<string, SessionTable> _byKind = new(StringComparer.Ordinal);
    private readonly SessionTable? _default;

    public SessionTableMap(IReadOnlyList<SessionTable> tables)
    {
        Tables = tables;
        foreach (var table in tables)
        {
            if (table.HoldsAnyKind)
            {
                _default = table;
            }

            foreach (var kind in table.Kinds)
            {
                _byKind[kind] = table;
            }
        }
    }

    public IReadOnlyList<SessionTable> Tables { get; }

    public bool IsEmpty => Tables.Count == 0 || _default is null;

    public SessionTable For(string kind) => _byKind.TryGetValue(kind, out var table)
        ? table
        : _default ?? throw new InvalidOperationException("The EF Core model has no session tables: call modelBuilder.AddSessions() in OnModelCreating.");
}
