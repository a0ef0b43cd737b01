using Microsoft.AspNetCore.Authorization;

namespace AspNetSessions;

/// <summary>
/// The base of this library's authorization handlers: each decides its requirement synchronously. ASP.NET Core calls
/// every registered handler for every authorization of every request, whatever the policy asks for; this loop finds
/// the handler's requirements without the enumerator, <c>OfType</c> iterator and async state machine that
/// <see cref="AuthorizationHandler{TRequirement}"/> spends on each call, so an app that never uses session scopes or
/// step-up pays next to nothing for them.
/// </summary>
/// <typeparam name="TRequirement">The requirement the handler evaluates.</typeparam>
internal abstract class SynchronousRequirementHandler<TRequirement> : IAuthorizationHandler
    where TRequirement : IAuthorizationRequirement
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (context.Requirements is IReadOnlyList<IAuthorizationRequirement> requirements)
        {
            for (var i = 0; i < requirements.Count; i++)
            {
                if (requirements[i] is TRequirement requirement)
                {
                    Handle(context, requirement);
                }
            }
        }
        else
        {
            foreach (var requirement in context.Requirements)
            {
                if (requirement is TRequirement wanted)
                {
                    Handle(context, wanted);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Decides one requirement of the handler's type.</summary>
    protected abstract void Handle(AuthorizationHandlerContext context, TRequirement requirement);
}
