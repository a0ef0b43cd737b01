namespace AspNetSessions;

/// <summary>
/// One page of a keyset-paged listing, oldest first (created-at, then id). <see cref="Next"/> is the opaque cursor of
/// the page after this one, or <see langword="null"/> when nothing is left. A page holds at most the limit asked for and
/// may hold fewer, even none, while <see cref="Next"/> is not <see langword="null"/>: a store bounds the work of one
/// page (<c>docs/writing-a-store.md</c>), so a page of a narrow filter can end early.
/// </summary>
/// <typeparam name="T">What the page lists: <see cref="Stores.SessionRecord"/> from a store, <see cref="Session"/> from a manager.</typeparam>
/// <param name="Items">This page's items, in listing order.</param>
/// <param name="Next">The cursor of the next page, or <see langword="null"/> at the end.</param>
public sealed record SessionPage<T>(IReadOnlyList<T> Items, string? Next);
