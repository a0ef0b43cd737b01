namespace AspNetSessions.Stores;

/// <summary>
/// What a store keeps for one session: the session itself and the digest of its token's secret.
/// The plaintext token never reaches a store.
/// </summary>
/// <param name="Session">The session.</param>
/// <param name="Digest">The digest of the token's secret (32 bytes), compared in constant time on lookup.</param>
public sealed record SessionRecord(Session Session, ReadOnlyMemory<byte> Digest);
