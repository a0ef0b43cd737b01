using AspNetSessions;
using Microsoft.Extensions.Options;

namespace WebApp;

/// <summary>
/// Logs "new device sign-in for {User}" when a session is created on a device none of the user's sessions came from
/// (<see cref="SessionCreatedContext.IsNewDevice"/>): where a real app emails the user "was this you?".
/// </summary>
internal sealed partial class NewDeviceSignIns(ILogger<NewDeviceSignIns> logger) : IConfigureNamedOptions<SessionAuthenticationOptions>
{
    public void Configure(string? name, SessionAuthenticationOptions options)
    {
        if (name == SessionAuthenticationDefaults.AuthenticationScheme)
        {
            options.Events.OnSessionCreated = Created;
        }
    }

    public void Configure(SessionAuthenticationOptions options) => Configure(Options.DefaultName, options);

    private Task Created(SessionCreatedContext context)
    {
        if (context.IsNewDevice)
        {
            Log.NewDevice(logger, context.Session.UserId, context.Device ?? "an unknown device", context.Location ?? "an unknown place");
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, EventName = "NewDeviceSignIn", Level = LogLevel.Information,
            Message = "new device sign-in for {User}: {Device} from {Location}")]
        public static partial void NewDevice(ILogger logger, string user, string device, string location);
    }
}
