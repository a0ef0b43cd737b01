namespace AspNetSessions;

internal sealed class SessionSignInFeature(CreatedSession created) : ISessionSignInFeature
{
    public CreatedSession Created { get; } = created;
}
