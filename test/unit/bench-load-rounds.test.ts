/**
 * The load benchmark's rounds (test/bench/load/index.ts): the c=16 verify windows of ours, the peer
 * and the floor in turn, the order reversed every other round, and the median round picked from them.
 */
import type { LoadResult } from '../bench/load/client';
import { alternate, medianRound, settings, type Round, type Side } from '../bench/load/index';

const result = (reqPerSec: number): LoadResult =>
  ({ concurrency: 16, n: 100, errors: 0, errorSamples: [], capped: false, seconds: 1, reqPerSec, p50: 1, p90: 1, p99: 1, max: 1, serverCpuMs: 1, serverUserCpuMs: 1, serverSystemCpuMs: 0, serverCpuPct: 50, standInCpuMs: 1, clientCpuMs: 0.3 }) as LoadResult;

function sides(withPeer: boolean) {
  const calls: string[] = [];
  const make = (name: string, c16: number): Side => ({
    name,
    c16,
    verify: async (count, concurrency) => {
      calls.push(`${name} ${count} c=${concurrency}`);
      return result(calls.length);
    },
  });
  return { calls, ours: make('ours', 600), peer: withPeer ? make('peer', 240) : undefined, floor: make('floor', 600) };
}

const s = () => ({ ...settings(), rounds: 3, settleMs: 0 });

it('runs ours, the peer and the floor in turn, the order reversed every other round, each at c=16 with its own count', async () => {
  const { calls, ...three } = sides(true);
  const rounds = await alternate(three, s());
  expect(calls).toEqual([
    'ours 600 c=16', 'peer 240 c=16', 'floor 600 c=16',
    'floor 600 c=16', 'peer 240 c=16', 'ours 600 c=16',
    'ours 600 c=16', 'peer 240 c=16', 'floor 600 c=16',
  ]);
  // Each round keeps each side's own window.
  expect(rounds.map((r) => [r.ours.reqPerSec, r.peer?.reqPerSec, r.floor.reqPerSec])).toEqual([[1, 2, 3], [6, 5, 4], [7, 8, 9]]);
});

it('without the peer, alternates ours and the floor', async () => {
  const { calls, ...two } = sides(false);
  const rounds = await alternate(two, { ...s(), rounds: 2 });
  expect(calls).toEqual(['ours 600 c=16', 'floor 600 c=16', 'floor 600 c=16', 'ours 600 c=16']);
  expect(rounds.every((r) => r.peer === undefined)).toBe(true);
});

it('waits the settle time before every window', async () => {
  const { calls, ...three } = sides(true);
  const started = performance.now();
  await alternate(three, { ...s(), rounds: 1, settleMs: 40 });
  expect(calls).toHaveLength(3);
  expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40 - 5);
});

it('picks the round whose ours ×peer is the median, a round measured together', () => {
  const round = (ours: number, peer?: number): Round => ({ ours: result(ours), peer: peer === undefined ? undefined : result(peer), floor: result(1) });
  const rounds = [round(90, 100), round(120, 100), round(100, 80), round(95, 100), round(100, 100)];
  expect(medianRound(rounds)).toBe(rounds[4]); // ratios 0.9, 1.2, 1.25, 0.95, 1.0: the median 1.0
  expect(medianRound(rounds.slice(0, 4))).toBe(rounds[3]); // even count: the lower middle, 0.95
  const alone = [round(300), round(100), round(200)];
  expect(medianRound(alone)).toBe(alone[2]);
});
