using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>
/// The session tables' layout, in one place: keys, indexes, lengths, the promoted columns. Primary key (kind, id);
/// index (kind, user id) for a user's sessions; index (kind, created-at, id) for kind-wide pages (keyset paging);
/// index on expires for the pruner; the nullable columns AuthenticatedAt and
/// AuthenticationItems (step-up), Name and Scopes (API keys), DeviceKey, DeviceChallenge, PreviousDigest and PreviousDigestAcceptedUntil (DBSC). A change of layout is a new model version
/// (<see cref="SessionModelOptions.ModelVersion"/>), built only for apps that ask for it.
/// </summary>
internal static class SessionModel
{
    public const int KindMaxLength = 64;
    public const int UserIdMaxLength = 256;
    public const int DigestMaxLength = 64;
    public const int DeviceChallengeMaxLength = 64;

    public static void Build(ModelBuilder modelBuilder, SessionModelOptions options)
    {
        if (options.ModelVersion != SessionModelOptions.LatestModelVersion)
        {
            throw new InvalidOperationException(
                $"SessionModelOptions.ModelVersion must be {SessionModelOptions.LatestModelVersion} (the only model version); got {options.ModelVersion}.");
        }

        ArgumentException.ThrowIfNullOrEmpty(options.DefaultTable, "SessionModelOptions.DefaultTable");
        modelBuilder.HasAnnotation(SessionModelAnnotations.ModelVersion, options.ModelVersion);

        var tables = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [options.DefaultTable] = [] };
        foreach (var (kind, table) in options.Tables)
        {
            (tables.TryGetValue(table, out var kinds) ? kinds : tables[table] = []).Add(kind);
        }

        foreach (var (table, kinds) in tables)
        {
            var isDefault = string.Equals(table, options.DefaultTable, StringComparison.Ordinal);
            var holds = isDefault ? SessionModelAnnotations.AnyKind : string.Join(SessionModelAnnotations.KindSeparator, kinds);
            modelBuilder.SharedTypeEntity<SessionRow>(SessionModelAnnotations.EntityName(table), entity => Table(entity, table, holds, options));
        }
    }

    private static void Table(EntityTypeBuilder<SessionRow> entity, string table, string kinds, SessionModelOptions options)
    {
        entity.ToTable(table, options.Schema);
        entity.HasAnnotation(SessionModelAnnotations.Kinds, kinds);
        entity.HasKey(r => new { r.Kind, r.Id });
        entity.Property(r => r.Kind).HasMaxLength(KindMaxLength);
        entity.Property(r => r.Id).HasMaxLength(SessionIdsLength);
        entity.Property(r => r.UserId).HasMaxLength(UserIdMaxLength);
        entity.Property(r => r.Digest).HasMaxLength(DigestMaxLength);
        entity.Property(r => r.Claims).IsRequired();
        entity.Property(r => r.Data).IsRequired();
        entity.Property(r => r.Metadata).IsRequired();
        entity.Property(r => r.Name).HasMaxLength(AspNetSessions.SessionCreateRequest.NameMaxLength);
        entity.Property(r => r.DeviceChallenge).HasMaxLength(DeviceChallengeMaxLength);
        entity.Property(r => r.PreviousDigest).HasMaxLength(DigestMaxLength);

        entity.HasIndex(r => new { r.Kind, r.UserId });
        entity.HasIndex(r => new { r.Kind, r.CreatedAt, r.Id });
        entity.HasIndex(r => r.ExpiresAt);
        foreach (var column in options.PromotedMetadata.Values)
        {
            var name = SessionModelAnnotations.PromotedProperty(column.Key);
            entity.Property<string?>(name).HasColumnName(column.Column).HasMaxLength(column.MaxLength)
                .HasAnnotation(SessionModelAnnotations.MetadataKey, column.Key);
            entity.HasIndex("Kind", name);
        }
    }

    private const int SessionIdsLength = AspNetSessions.Stores.SessionIds.Length;
}
