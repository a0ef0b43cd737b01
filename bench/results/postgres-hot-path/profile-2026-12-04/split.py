#!/usr/bin/env python3
"""Per-request CPU split of `perf script -F ip,sym,dso` output (stacks leaf first, blank-line separated).

  split.py app FILE REQUESTS HZ     the app process by kind of leaf code (managed, kernel, JIT, runtime/GC, native libs), by
                                    the innermost library frame that owns it (ours, Npgsql, StackExchange.Redis, ASP.NET/Kestrel,
                                    ...), and its kernel time by system call (needs call graphs)
  split.py store FILE REQUESTS HZ   a store server: user/kernel, kernel time by system call (with call graphs), top functions
"""
import collections
import re
import sys

# The library a managed frame belongs to, from the method's assembly ("... [Assembly] Namespace.Type::Method(...)").
OWNERS = [
    ("ours (AspNetSessions*)", ("AspNetSessions",)),
    ("Npgsql", ("Npgsql",)),
    ("EF Core", ("Microsoft.EntityFrameworkCore",)),
    ("StackExchange.Redis (+ Pipelines.Sockets.Unofficial, Caching.StackExchangeRedis)",
     ("StackExchange.Redis", "Pipelines.Sockets.Unofficial", "Microsoft.Extensions.Caching.StackExchangeRedis")),
    ("BenchApp (the ticket store of cookie-redis-ticketstore)", ("BenchApp",)),
    ("ASP.NET Core/Kestrel (+ Microsoft.Extensions.*)", ("Microsoft.AspNetCore", "Microsoft.Extensions", "Microsoft.Net.Http")),
]
# Samples without a library frame, by what the thread is doing (first match up the stack).
NO_OWNER = [
    ("thread pool: idle workers spinning/parking (no library frame)", ("LowLevelLifoSemaphore", "LowLevelSpinWaiter")),
    ("socket event loop: epoll, receives, completions (no library frame)", ("SocketAsyncEngine",)),
    ("thread pool: dispatch, timers (no library frame)", ("ThreadPoolWorkQueue", "PortableThreadPool", "TimerQueue")),
]
OTHER = "other (no library frame; native threads)"
METHOD = re.compile(r"\[([^\]]+)\] (\S+?)::")


def read(path):
    stacks, cur = [], []
    for line in open(path, errors="replace"):
        line = line.strip()
        if not line:
            if cur:
                stacks.append(cur)
                cur = []
            continue
        m = re.match(r"^(\S+)\s+(.*?)\s*\(([^()]*)\)$", line)
        cur.append((m.group(2), m.group(3)) if m else (line, ""))
    if cur:
        stacks.append(cur)
    return stacks


def owner(stack):
    for sym, _ in stack:  # leaf first: the innermost library frame owns the sample
        m = METHOD.search(sym)
        if not m:
            continue
        for name, prefixes in OWNERS:
            if m.group(1).startswith(prefixes):
                return name
    for name, needles in NO_OWNER:
        if any(n in sym for sym, _ in stack for n in needles):
            return name
    return OTHER


def syscall(stack):
    """The system call a kernel sample is in (the outermost __x64_sys_/__do_sys_ frame), else the kernel's own entry."""
    calls = [m.group(1) for sym, _ in stack if (m := re.match(r"(?:__x64_sys_|__do_sys_|__se_sys_)(\w+)", sym))]
    if calls:
        return calls[-1]
    kernel = [sym for sym, dso in stack if "kernel" in dso]
    return "(no syscall) " + (kernel[-1] if kernel else "?")


def kernel_split(stacks, per, top=8):
    calls = collections.Counter(syscall(s) for s in stacks if "kernel" in s[0][1])
    print("  kernel time by system call:")
    for name, n in calls.most_common(top):
        print(f"    {per(n):6.2f} µs  {name[:100]}")


KINDS = ("managed", "kernel", "JIT", "runtime/GC", "native libs")


def mode(stack):
    """What the leaf frame is: JIT-compiled or ReadyToRun managed code, the kernel, the JIT, the runtime (libcoreclr:
    GC, allocation, type system, stubs; stripped, so GC cannot be told apart), or another native library (libc,
    libcrypto, libSystem.Native, ...)."""
    dso = stack[0][1].rsplit("/", 1)[-1]
    if "kernel" in dso:
        return "kernel"
    if dso.startswith("libclrjit"):
        return "JIT"
    if dso.startswith("libcoreclr"):
        return "runtime/GC"
    if dso.startswith("perf-") or dso.endswith(".dll"):
        return "managed"
    return "native libs"


def app(path, requests, hz):
    stacks = read(path)
    per = lambda n: n / hz / requests * 1e6
    modes, owners, cells = collections.Counter(), collections.Counter(), collections.Counter()
    for s in stacks:
        md, ow = mode(s), owner(s)
        modes[md] += 1
        owners[ow] += 1
        cells[(ow, md)] += 1
    print(f"{path}: {len(stacks)} samples at {hz} Hz, {requests} requests; app CPU {per(len(stacks)):.2f} µs/request")
    print("  by kind of code (leaf frame):")
    for md in KINDS:
        print(f"    {per(modes[md]):6.2f} µs  {md}")
    print("  by owner (innermost library frame on the stack), µs per request, all = the sum of the kinds:")
    print(f"    {'all':>6} " + " ".join(f"{md:>11}" for md in KINDS) + "  owner")
    for ow, _ in sorted(owners.items(), key=lambda kv: -kv[1]):
        print(f"    {per(owners[ow]):6.2f} " + " ".join(f"{per(cells[(ow, md)]):11.2f}" for md in KINDS) + f"  {ow}")
    kernel_split(stacks, per)


def store(path, requests, hz, top=15):
    stacks = read(path)
    per = lambda n: n / hz / requests * 1e6
    kernel = sum(1 for s in stacks if "kernel" in s[0][1])
    print(f"{path}: {len(stacks)} samples at {hz} Hz, {requests} requests; store CPU {per(len(stacks)):.2f} µs/request "
          f"(user {per(len(stacks) - kernel):.2f}, kernel {per(kernel):.2f})")
    kernel_split(stacks, per)
    print("  top functions (leaf, self time):")
    leaves = collections.Counter(f"{s[0][0]} ({s[0][1].rsplit('/', 1)[-1]})" for s in stacks)
    for sym, n in leaves.most_common(top):
        print(f"    {per(n):6.2f} µs  {100 * n / max(len(stacks), 1):5.1f} %  {sym[:140]}")


if __name__ == "__main__":
    (app if sys.argv[1] == "app" else store)(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
