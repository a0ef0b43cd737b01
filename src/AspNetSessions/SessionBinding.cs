namespace AspNetSessions;

/// <summary>Whether a session is bound to a key its device holds (Device Bound Session Credentials, DBSC).</summary>
public enum SessionBinding
{
    /// <summary>An ordinary session: whoever holds its token can use it.</summary>
    None = 0,

    /// <summary>
    /// Bound to a device key (<see cref="Session.DeviceKey"/>): its cookie credential lives minutes, and only a proof signed
    /// by that key refreshes it, so a stolen cookie stops working.
    /// </summary>
    DeviceBound = 1,
}
