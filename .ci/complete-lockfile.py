#!/usr/bin/env python3
"""
Completes package-lock.json with the other platforms' optional native packages (@swc/core-*,
@unrs/resolver-binding-*). The registry mirror on our build machines serves only linux-x64
binaries, so an `npm install` here writes a lock without the rest, and `npm ci` (here and on
GitHub's runners) then refuses it as out of sync. Each added entry names its os/cpu, so npm skips
it on other platforms and resolves it by version where it applies.
Usage: python3 .ci/complete-lockfile.py package-lock.json   (after any npm install on this machine)
Idempotent, and writes what npm itself would write: on a completed lock, `npm install` changes nothing
(.ci/run checks it on a fresh clone).
"""
import json, re, sys
p = sys.argv[1]
lock = json.load(open(p))
pk = lock['packages']
def platform(name):
    n = name.split('/')[-1]
    os_ = next((o for o in ['darwin','linux','win32','android','freebsd','openharmony'] if o in n), None)
    cpu = next((c for c in ['arm64','x64','ia32','arm','ppc64','s390x','riscv64','loong64'] if re.search(r'(^|-)'+c+r'($|-)', n)), None)
    if cpu is None and 'arm-' in n: cpu = 'arm'
    libc = 'musl' if 'musl' in n else ('glibc' if n.endswith('-gnu') or 'gnueabihf' in n else None)
    return os_, cpu, libc
added = []
for path, meta in list(pk.items()):
    for dep, ver in (meta.get('optionalDependencies') or {}).items():
        key = 'node_modules/' + dep
        if key in pk: continue
        os_, cpu, libc = platform(dep)
        entry = {'cpu': [cpu], 'os': [os_], 'optional': True}
        if meta.get('dev'): entry['dev'] = True
        if libc: entry['libc'] = [libc]
        # npm's own key order (version, then the rest sorted), so that `npm install` rewrites nothing.
        pk[key] = {'version': ver, **dict(sorted(entry.items()))}
        added.append((dep, ver, os_, cpu, libc))
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(p, 'w'), indent=2)
open(p, 'a').write('\n')
for a in added: print(*a)
