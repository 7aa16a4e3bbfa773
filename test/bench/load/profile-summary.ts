/**
 * Where a server's CPU went: `npx tsx test/bench/load/profile-summary.ts <file.cpuprofile> [top]`
 * sums a V8 CPU profile (node --cpu-prof; LOAD_CPU_PROFILE=<dir> makes the load benchmark's server
 * write one) by package, by source file of ours, and by function (self time).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(url: string): string {
  if (!url) return '(native/idle/gc)';
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/^node:internal.*/, 'node:internal');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /perf-load\/(.*)$/.exec(url) ?? /\/work\/[^/]+\/[^/]+\/(.*)$/.exec(url);
  return ours ? `ours: ${ours[1]!.split('/').slice(0, 2).join('/')}` : url;
}

export function summarise(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    total += us;
    const bucket = name === '(garbage collector)' ? '(gc)' : bucketOf(node.callFrame.url);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const key = `${name} ${node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*perf-load\//, '')}:${node.callFrame.lineNumber}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return { totalMs: total / 1000, buckets: rank(buckets), functions: rank(functions) };
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(top ?? 25));
  console.log(`busy (not idle) ${s.totalMs.toFixed(0)} ms\nby package / file:\n${s.buckets.join('\n')}\nby function (self):\n${s.functions.join('\n')}`);
}
