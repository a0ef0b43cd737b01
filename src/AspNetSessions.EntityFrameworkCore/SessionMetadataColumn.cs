namespace AspNetSessions.EntityFrameworkCore;

/// <summary>A metadata field promoted to an indexed column (<see cref="SessionModelOptions.PromoteMetadata"/>).</summary>
/// <param name="Key">The metadata key.</param>
/// <param name="Column">The column name.</param>
/// <param name="MaxLength">The column's maximum length.</param>
public sealed record SessionMetadataColumn(string Key, string Column, int MaxLength);
