using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AspNetSessions.Tokens;

/// <summary>
/// SHA-256 through OpenSSL's own <c>SHA256_Init</c> / <c>SHA256_Update</c> / <c>SHA256_Final</c>, on Linux, where .NET's
/// <see cref="SHA256"/> is OpenSSL too. The code that hashes is OpenSSL's (SHA-NI where the CPU has it); only the
/// entry point differs: .NET goes through OpenSSL 3's <c>EVP_Digest*</c> layer, which on every call looks up the
/// provider, allocates and frees a provider context and takes locks. For the 48 bytes of a token that overhead is
/// ~90 % of the cost: 760–860 ns against 75 ns here (bench/results/perf-2026-12-02, "Digest").
/// </summary>
/// <remarks>
/// Used only when all of these hold, checked once per process; otherwise <see cref="IsAvailable"/> is false and
/// <see cref="TokenHasher"/> keeps the framework's <see cref="SHA256"/>:
/// <list type="bullet">
/// <item>the process runs on Linux and <c>libcrypto.so.3</c> or <c>libcrypto.so.1.1</c> loads with all three functions;</item>
/// <item>OpenSSL is not in FIPS mode (the low-level functions bypass the FIPS provider; a FIPS deployment keeps the EVP path);</item>
/// <item>the AppContext switch <c>AspNetSessions.UseFrameworkSha256</c> is not set;</item>
/// <item>a known-answer self-test against <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> passes.</item>
/// </list>
/// The hash context lives on the caller's stack and is zeroed before returning (it holds the last message block,
/// i.e. the token's secret).
/// </remarks>
internal static unsafe class OpenSslSha256
{
    /// <summary>The AppContext switch that turns this path off (the framework's SHA-256 is used instead).</summary>
    public const string UseFrameworkSwitch = "AspNetSessions.UseFrameworkSha256";

    // SHA256_CTX is 112 bytes in OpenSSL 1.1 and 3.x; the buffer leaves room so a larger layout cannot overrun it.
    private const int ContextBytes = 256;

    private static readonly Functions? s_functions = Load(AppContext.TryGetSwitch(UseFrameworkSwitch, out var useFramework) && useFramework);

    /// <summary>Whether digests are computed through OpenSSL's low-level SHA-256 in this process.</summary>
    public static bool IsAvailable => s_functions is not null;

    /// <summary>
    /// Writes SHA-256(<paramref name="data"/>) into <paramref name="destination"/> (32 bytes). Requires <see cref="IsAvailable"/>.
    /// For short inputs only (a token's key material): the calls skip the GC transition, which is right for work of
    /// well under a microsecond and wrong for megabytes.
    /// </summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var functions = s_functions ?? throw new InvalidOperationException("OpenSSL's SHA-256 is not available in this process.");
        Compute(functions, data, destination);
    }

    private static void Compute(Functions functions, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("The destination is shorter than a SHA-256 digest.", nameof(destination));
        }

        var context = stackalloc byte[ContextBytes];
        try
        {
            fixed (byte* input = data)
            fixed (byte* output = destination)
            {
                if (functions.Init(context) != 1 || functions.Update(context, input, (nuint)data.Length) != 1 || functions.Final(output, context) != 1)
                {
                    throw new CryptographicException("OpenSSL could not compute a SHA-256 digest.");
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(new Span<byte>(context, ContextBytes));
        }
    }

    /// <summary>Whether the low-level path would be used, given the switch's value (for tests: the real decision is made once per process).</summary>
    internal static bool WouldUse(bool frameworkRequested) => Load(frameworkRequested) is not null;

    private static Functions? Load(bool frameworkRequested)
    {
        if (frameworkRequested || !OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var name in (ReadOnlySpan<string>)["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (!NativeLibrary.TryLoad(name, typeof(OpenSslSha256).Assembly, DllImportSearchPath.SafeDirectories, out var library))
            {
                continue;
            }

            if (Bind(library) is { } functions && !IsFipsMode(library) && PassesSelfTest(functions))
            {
                return functions;
            }

            // The library stays loaded: .NET's own cryptography most likely uses it, and a handle freed here would not unload it anyway.
            return null;
        }

        return null;
    }

    private static Functions? Bind(nint library) =>
        NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
        && NativeLibrary.TryGetExport(library, "SHA256_Update", out var update)
        && NativeLibrary.TryGetExport(library, "SHA256_Final", out var final)
            ? new Functions(
                (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init,
                (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update,
                (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final)
            : null;

    /// <summary>
    /// OpenSSL 3: <c>EVP_default_properties_is_fips_enabled(NULL)</c>; 1.1: <c>FIPS_mode()</c>. A library with neither
    /// counts as FIPS, so an unknown build keeps the framework's path.
    /// </summary>
    private static bool IsFipsMode(nint library)
    {
        if (NativeLibrary.TryGetExport(library, "EVP_default_properties_is_fips_enabled", out var fips3))
        {
            return ((delegate* unmanaged<nint, int>)fips3)(0) != 0;
        }

        if (NativeLibrary.TryGetExport(library, "FIPS_mode", out var fips11))
        {
            return ((delegate* unmanaged<int>)fips11)() != 0;
        }

        return true;
    }

    /// <summary>Known-answer test over 0..199 (one, two and four blocks) and the empty input, against the framework.</summary>
    private static bool PassesSelfTest(Functions functions)
    {
        try
        {
            Span<byte> input = stackalloc byte[200];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (byte)i;
            }

            Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
            Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
            foreach (var length in (ReadOnlySpan<int>)[0, 48, 64, 200])
            {
                SHA256.HashData(input[..length], expected);
                Compute(functions, input[..length], actual);
                if (!expected.SequenceEqual(actual))
                {
                    return false;
                }
            }

            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private sealed class Functions(
        delegate* unmanaged[SuppressGCTransition]<byte*, int> init,
        delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> update,
        delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> final)
    {
        public delegate* unmanaged[SuppressGCTransition]<byte*, int> Init { get; } = init;

        public delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> Update { get; } = update;

        public delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> Final { get; } = final;
    }
}
