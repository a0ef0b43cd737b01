namespace AspNetSessions.EntityFrameworkCore;

/// <summary>The annotation names with which the model tells the store which entity holds which kinds (one place for both sides).</summary>
internal static class SessionModelAnnotations
{
    /// <summary>On the model: the session model version it was built with.</summary>
    public const string ModelVersion = "AspNetSessions:ModelVersion";

    /// <summary>On a session entity type: the kinds it holds, separated by <see cref="KindSeparator"/>, or <see cref="AnyKind"/>.</summary>
    public const string Kinds = "AspNetSessions:Kinds";

    /// <summary>On a promoted metadata property: the metadata key it copies.</summary>
    public const string MetadataKey = "AspNetSessions:MetadataKey";

    /// <summary>The <see cref="Kinds"/> value of the default table.</summary>
    public const string AnyKind = "*";

    public const char KindSeparator = '\n';

    /// <summary>The entity type name of the table <paramref name="table"/> (shared-type entities of <see cref="SessionRow"/>).</summary>
    public static string EntityName(string table) => "AspNetSessions." + table;

    /// <summary>The shadow property of a promoted metadata field.</summary>
    public static string PromotedProperty(string key) => "Metadata_" + key;
}
