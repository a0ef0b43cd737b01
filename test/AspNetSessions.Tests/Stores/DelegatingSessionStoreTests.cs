using System.Reflection;
using AspNetSessions.Stores;

namespace AspNetSessions.Tests.Stores;

/// <summary>
/// <see cref="DelegatingSessionStore"/> forwards every <see cref="ISessionStore"/> member: found by reflection, so a
/// member added to the interface later fails here until the base forwards it.
/// </summary>
public sealed class DelegatingSessionStoreTests
{
    public static TheoryData<string> Members() => [.. typeof(ISessionStore).GetMethods().Select(m => m.Name)];

    [Theory]
    [MemberData(nameof(Members))]
    public void Every_member_goes_to_the_inner_store_with_the_same_arguments_and_result(string member)
    {
        var method = typeof(ISessionStore).GetMethods().Single(m => m.Name == member);
        var inner = DispatchProxy.Create<ISessionStore, RecordingStore>();
        var recorder = (RecordingStore)(object)inner;
        using var cancellation = new CancellationTokenSource();
        var arguments = method.GetParameters().Select((p, i) => Argument(p.ParameterType, i, cancellation.Token)).ToArray();

        var result = method.Invoke(new Forwarder(inner), arguments);

        var call = Assert.Single(recorder.Calls);
        Assert.Equal(method, call.Method);
        Assert.Equal(arguments, call.Arguments);
        Assert.Equal(recorder.Result(method), result);
    }

    [Fact]
    public async Task Disposing_disposes_the_inner_store()
    {
        var inner = new DisposalCounter(DispatchProxy.Create<ISessionStore, RecordingStore>());
        new Forwarder(inner).Dispose();
        Assert.Equal((1, 0), (inner.Disposed, inner.DisposedAsync));

        inner = new DisposalCounter(DispatchProxy.Create<ISessionStore, RecordingStore>());
        await new Forwarder(inner).DisposeAsync();
        Assert.Equal((0, 1), (inner.Disposed, inner.DisposedAsync));
    }

    private static object? Argument(Type type, int position, CancellationToken cancellationToken) => type switch
    {
        _ when type == typeof(string) => "argument" + position,
        _ when type == typeof(int) => 40 + position,
        _ when type == typeof(DateTimeOffset) => DateTimeOffset.UnixEpoch.AddMinutes(position),
        _ when type == typeof(CancellationToken) => cancellationToken,
        _ when type == typeof(SessionQuery) => new SessionQuery { Kind = "argument" + position, Now = DateTimeOffset.UnixEpoch },
        _ when type == typeof(SessionPatch) => new SessionPatch(),
        _ when type == typeof(IReadOnlyList<SessionRecord>) => Array.Empty<SessionRecord>(),
        _ when type == typeof(SessionRecord) => null, // compared by reference: null is as good as any
        _ when type.IsValueType => Activator.CreateInstance(type),
        _ => throw new InvalidOperationException($"No test argument for {type}: add one."),
    };

    private sealed class Forwarder(ISessionStore inner) : DelegatingSessionStore(inner);

    private sealed class DisposalCounter(ISessionStore inner) : DelegatingSessionStore(inner)
    {
        public int Disposed { get; private set; }

        public int DisposedAsync { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed++;
            base.Dispose(disposing);
        }

        protected override ValueTask DisposeAsyncCore()
        {
            DisposedAsync++;
            return base.DisposeAsyncCore();
        }
    }

#pragma warning disable CA1852 // DispatchProxy needs a non-sealed type
    public class RecordingStore : DispatchProxy
#pragma warning restore CA1852
    {
        private readonly Dictionary<MethodInfo, object?> _results = [];

        public List<(MethodInfo Method, object?[] Arguments)> Calls { get; } = [];

        public object? Result(MethodInfo method) => _results.GetValueOrDefault(method);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            Calls.Add((targetMethod, args ?? []));
            var result = Make(targetMethod.ReturnType);
            _results[targetMethod] = result;
            return result;
        }

        // A distinct, completed result per return type, so forwarding the wrong call's result would show.
        private static object? Make(Type type) =>
            type == typeof(string) ? "inner"
            : type == typeof(ValueTask) ? ValueTask.CompletedTask
            : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>) ? Completed(type.GetGenericArguments()[0])
            : throw new InvalidOperationException($"No result for {type}: add one.");

        private static object? Completed(Type result)
        {
            object? value = result == typeof(bool) ? true
                : result == typeof(long) ? 42L
                : result == typeof(IReadOnlyList<string>) ? new[] { "evicted" }
                : result == typeof(IReadOnlyList<SessionRecord>) ? Array.Empty<SessionRecord>()
                : null; // SessionRecord?
            return typeof(ValueTask<>).MakeGenericType(result).GetConstructor([result])!.Invoke([value]);
        }
    }
}
