using Microsoft.EntityFrameworkCore;

namespace AspNetSessions.EntityFrameworkCore;

/// <summary>A context for one store call, and what to dispose afterwards (the context itself, back to its pool, or its DI scope).</summary>
internal readonly struct SessionContextLease<TContext>(TContext context, IDisposable owner) : IDisposable
    where TContext : DbContext
{
    public TContext Context { get; } = context;

    public void Dispose() => owner.Dispose();
}
