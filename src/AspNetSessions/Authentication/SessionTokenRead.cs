namespace AspNetSessions;

/// <summary>What <see cref="SessionTokenReader"/> found in a request.</summary>
internal enum SessionTokenRead
{
    /// <summary>No credentials for this scheme: other schemes may run.</summary>
    None,

    /// <summary>A token, from the source reported beside it.</summary>
    Found,

    /// <summary>Credentials that break RFC 6750 (two Authorization headers, <c>Bearer</c> alone): an invalid request.</summary>
    Invalid,
}
