namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The shape of the session tables in an EF Core model (<c>modelBuilder.AddSessions(...)</c>): which kind lives in
/// which table, the schema, the model version, and which metadata fields are promoted to indexed columns.
/// Column names come from the EF model, so naming conventions the app applies afterwards (snake_case) apply to them too.
/// </summary>
public sealed class SessionModelOptions
{
    /// <summary>
    /// The newest model version this package builds, and for now the only one: a later change of the tables' layout
    /// will be a new version, built only for apps that ask for it.
    /// </summary>
    public const int LatestModelVersion = 2;

    private readonly Dictionary<string, string> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SessionMetadataColumn> _promoted = new(StringComparer.Ordinal);

    /// <summary>
    /// The model version to build. Pin it (e.g. <c>ModelVersion = 2</c>) so that a package upgrade never changes the
    /// app's migrations silently: a later version of the model is built only when the app asks for it.
    /// </summary>
    public int ModelVersion { get; set; } = LatestModelVersion;

    /// <summary>The database schema of the session tables, or <see langword="null"/> for the provider's default (e.g. <c>public</c>).</summary>
    public string? Schema { get; set; }

    /// <summary>The table of every kind that is not given a table of its own with <see cref="MapKind"/>; <c>Sessions</c> by default.</summary>
    public string DefaultTable { get; set; } = "Sessions";

    /// <summary>The kinds given tables of their own, kind → table.</summary>
    public IReadOnlyDictionary<string, string> Tables => _tables;

    /// <summary>The metadata fields promoted to columns, metadata key → column.</summary>
    public IReadOnlyDictionary<string, SessionMetadataColumn> PromotedMetadata => _promoted;

    /// <summary>Gives a session kind its own table (EctoSessions keeps one table per kind, e.g. <c>Sessions</c> and <c>ApiKeys</c>).</summary>
    /// <param name="kind">The kind, e.g. <c>ApiKey</c>.</param>
    /// <param name="table">The table; the kind's name with an <c>s</c> (<c>ApiKeys</c>) by default.</param>
    public SessionModelOptions MapKind(string kind, string? table = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        _tables[kind] = string.IsNullOrEmpty(table) ? kind + "s" : table;
        return this;
    }

    /// <summary>
    /// Copies a metadata field into a column of its own, indexed, in every session table (EctoSessions' extra fields), so
    /// that listing, counting and deleting by it are filtered in SQL. The field stays in the metadata JSON as well.
    /// </summary>
    /// <param name="key">The metadata key, e.g. <c>tenant_id</c>.</param>
    /// <param name="column">The column name; the key by default.</param>
    /// <param name="maxLength">The column's maximum length; longer values are kept in the JSON only and filtered in the app.</param>
    public SessionModelOptions PromoteMetadata(string key, string? column = null, int maxLength = 128)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _promoted[key] = new SessionMetadataColumn(key, string.IsNullOrEmpty(column) ? key : column, maxLength);
        return this;
    }
}
