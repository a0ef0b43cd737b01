#!/usr/bin/env python3
"""Reads `perf script -F ip,sym` output (one stack per blank-line-separated block, leaf first).

  stacks.py subtrees FILE REQUESTS HZ   CPU time per request (µs) spent under each named frame (inclusive)
  stacks.py children FILE FRAME [N]     share of all samples under FRAME, split by FRAME's direct callee
"""
import collections
import re
import sys

SUBTREES = [
    ("whole server process", None),
    ("Kestrel connection loop (HttpProtocol.ProcessRequests)", "HttpProtocol+<ProcessRequests>"),
    ("authentication middleware (incl. authorization, endpoint)", "AuthenticationMiddleware+<Invoke>d__6::MoveNext"),
    ("IAuthenticationService.AuthenticateAsync", "AuthenticationServiceImpl+<AuthenticateAsync>"),
    ("the scheme's HandleAuthenticateAsync", "HandleAuthenticateAsync"),
    ("  of which SessionManager.AuthenticateCoreAsync", "AuthenticateCoreAsync>d__"),
    ("  of which CreatePrincipal", "::CreatePrincipal("),
    ("  of which the store's FindAndSlideAsync", "FindAndSlideAsync("),
    ("authorization middleware (incl. endpoint)", "AuthorizationMiddleware+<Invoke>d__11::MoveNext"),
    ("endpoint (GET /hello, same code in every variant)", "EndpointMiddleware::Invoke"),
    ("socket engine (same code in every variant)", "SocketAsyncEngine"),
]


def read(path):
    stacks, cur = [], []
    for line in open(path, errors="replace"):
        line = line.strip()
        if not line:
            if cur:
                stacks.append(cur)
                cur = []
            continue
        parts = line.split(" ", 1)
        cur.append(parts[1] if len(parts) > 1 else parts[0])
    if cur:
        stacks.append(cur)
    return stacks


def short(frame):
    frame = re.sub(r"\[(Optimized|Quick|Instrumented)[^\]]*\]", "", frame)
    frame = re.sub(r"(class|valuetype) \[[^\]]*\]", "", frame)
    return frame[:150]


def subtrees(path, requests, hz):
    stacks = read(path)
    print(f"{path}: {len(stacks)} samples at {hz} Hz, {requests} requests")
    for name, frame in SUBTREES:
        n = len(stacks) if frame is None else sum(1 for s in stacks if any(frame in f for f in s))
        print(f"  {n / hz / requests * 1e6:6.2f} µs/request  {name}")


def children(path, frame, top):
    stacks = read(path)
    under, callees = 0, collections.Counter()
    for s in stacks:
        hits = [i for i, f in enumerate(s) if frame in f]
        if not hits:
            continue
        under += 1
        i = min(hits)  # the innermost match: its direct callee is what the split shows
        callees[short(s[i - 1]) if i > 0 else "<self>"] += 1
    print(f"{path}: {len(stacks)} samples; under {frame}: {under} ({100 * under / len(stacks):.1f} %)")
    for callee, n in callees.most_common(top):
        print(f"  {100 * n / len(stacks):5.2f} %  {callee}")


if __name__ == "__main__":
    if sys.argv[1] == "subtrees":
        subtrees(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        children(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 15)
