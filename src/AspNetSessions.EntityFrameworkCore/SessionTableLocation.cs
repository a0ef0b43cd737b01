namespace AspNetSessions.EntityFrameworkCore;

/// <summary>A session table's schema and name and the columns a change announcement needs, as the database knows them.</summary>
/// <param name="Schema">The schema, or <see langword="null"/> for the database's default.</param>
/// <param name="Table">The table's name.</param>
/// <param name="Kind">The session-kind column.</param>
/// <param name="Id">The session-id column.</param>
/// <param name="Version">The row-version column, which changes with every change to a session but not with a slide.</param>
public sealed record SessionTableLocation(string? Schema, string Table, string Kind, string Id, string Version);
