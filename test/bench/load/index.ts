/**
 * The load benchmark: our server and better-auth's two-factor plugin side by side, each in its own
 * process, driven from this one by the same bounded client (client.ts) at concurrency 1 and 16, for
 * the second-factor step (verify a TOTP code) and the password step, and the verify step's floor on
 * DynamoDB (floor.ts) at the same concurrencies. Everything a timed request
 * needs is made before its window. Then the DynamoDB accounting of both steps (calls and consumed
 * units per request, in an untimed pass), the scrypt hash time, and what each step costs in AWS.
 *
 * Knobs (environment): LOAD_VERIFY_C1 (150), LOAD_VERIFY_C16 (600), LOAD_PEER_VERIFY_C1 (80),
 * LOAD_PEER_VERIFY_C16 (240), LOAD_PASSWORD_C1 (8), LOAD_PASSWORD_C16 (32), LOAD_CAP_SECONDS (20
 * per window), LOAD_STANDIN_WARMUP_SECONDS (120: the most the stand-in's warm-up may take; 0 skips it),
 * LOAD_VERIFY_ROUNDS (5: rounds of the c=16 verify windows, ours, the peer's and the floor's in turn:
 * alternate below), LOAD_SETTLE_MS (2000: idle before each of those windows),
 * LOAD_PEER=0 (skip the peer), LOAD_CPU_PROFILE=<dir> (a CPU profile of our server over the verify
 * windows, written there). Our server runs with TIMEOUT_SCALE raised so sixteen queued logins fit
 * their budget (environment.ts, timeoutScale); the product's budgets are for one login per instance.
 */
import { scrypt } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './client';
import { accessLogBytes, costPerMillion, FULL_VCPU_MB, loginMemoryTable, PIPE_BATCH, PLATFORM_LOG_BYTES, type CostBreakdown } from './cost';
import { passwordWindow, prepare, startServer, verifyWindow, VerifyPlan } from './ours';
import { floorWindow, startFloor, type FloorClient } from './floor';
import { serverNodeVersion } from './children';
import { PeerClient, peerInstalled, peerSignInOk, peerVerifyWindow, startPeer, peerDir, type PeerUser } from './peer';
import type { Accounting } from './server';
import { load, meterStandIn } from './client';
import { pool } from './pool';
import { pin, placement } from './placement';
import { median } from '../stats';
import { timeoutScale } from './environment';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, not "${raw}"`);
  return value;
};

export const settings = () => ({
  verify: { c1: num('LOAD_VERIFY_C1', 150), c16: num('LOAD_VERIFY_C16', 600) },
  peerVerify: { c1: num('LOAD_PEER_VERIFY_C1', 80), c16: num('LOAD_PEER_VERIFY_C16', 240) },
  password: { c1: num('LOAD_PASSWORD_C1', 8), c16: num('LOAD_PASSWORD_C16', 32) },
  capSeconds: num('LOAD_CAP_SECONDS', 20),
  rounds: Math.max(1, num('LOAD_VERIFY_ROUNDS', 5)),
  settleMs: num('LOAD_SETTLE_MS', 2000),
  warmup: 10,
  standInWarmupSeconds: num('LOAD_STANDIN_WARMUP_SECONDS', 120),
  accountingRequests: 10,
  peer: process.env.LOAD_PEER !== '0',
});

const log = (message: string) => process.stderr.write(`[bench:load] ${message}\n`);

export interface StepResults {
  c1?: LoadResult;
  c16?: LoadResult;
}

export interface LoadBenchResult {
  /** The servers' Node (both), and the driver's. */
  node: string;
  driverNode: string;
  /** Which cores DynamoDB Local, the servers and the client ran on (placement.ts). */
  placement: string;
  ours: { verify: StepResults; password: StepResults; accounting: { verify: PerRequest; password: PerRequest } };
  peer?: { verify: StepResults; password: StepResults; died?: string; restarts: string[] } | { skipped: string };
  /** The verify step at c=16, ours, the peer's and the floor's in turn (alternate); `verify.c16` of ours and the peer is the median round's. */
  rounds: Round[];
  /** The floor at c=4, 16 and 64 (standInCeiling). */
  ceiling: LoadResult[];
  /** The verify step's floor on DynamoDB (floor.ts), by the client that makes its calls. */
  floor: Record<FloorClient, StepResults>;
  scryptMs: { ours: number; peer: number };
  /** Requests per second of each warm-up round of DynamoDB Local before the timed windows (warmStandIn). */
  standInWarmup: number[];
  cost: ReturnType<typeof costs>;
  seconds: number;
}

export interface Round {
  ours: LoadResult;
  peer?: LoadResult;
  /** The floor (its calls signed and sent with node:http): the stand-in's own rate in the same round. */
  floor: LoadResult;
}

interface PerRequest {
  calls: Record<string, number>;
  callsPerRequest: number;
  /**
   * What the cost uses: the table's units by DynamoDB's per-item rules from the measured item sizes
   * (item-size.ts), plus the indexes' units as DynamoDB Local reports them (a GSI an item projects
   * into costs its own units).
   */
  readUnits: number;
  writeUnits: number;
  indexReadUnits: number;
  indexWriteUnits: number;
  /**
   * DynamoDB Local's own totals (ReturnConsumedCapacity): they agree for single-item calls, but for a
   * transaction it sums the items' sizes before rounding to a KB, where AWS charges each item (2 units
   * per KB begun), so it under-reports a transaction of small items.
   */
  localReadUnits: number;
  localWriteUnits: number;
  /** Org audit events written, each a security event. */
  securityEvents: number;
  /** Largest size, bytes, of each kind of item written. */
  itemBytes: Record<string, number>;
  /** Bytes the function's own log lines take per request (its metrics' EMF lines, INFO and above). */
  logBytes?: number;
}

const perRequest = (a: Accounting, n: number): PerRequest => ({
  itemBytes: a.items,
  calls: Object.fromEntries(Object.entries(a.calls).map(([k, v]) => [k, v / n])),
  callsPerRequest: Object.values(a.calls).reduce((x, y) => x + y, 0) / n,
  readUnits: (a.readUnits + a.consumed.indexRead) / n,
  writeUnits: (a.writeUnits + a.consumed.indexWrite) / n,
  indexReadUnits: a.consumed.indexRead / n,
  indexWriteUnits: a.consumed.indexWrite / n,
  localReadUnits: (a.consumed.read + a.consumed.indexRead) / n,
  localWriteUnits: (a.consumed.write + a.consumed.indexWrite) / n,
  securityEvents: a.auditEvents / n,
});

/** One hash on this thread's core, the median of `runs` (node:crypto's scrypt runs on the libuv pool, one hash per thread). */
async function hashMs(N: number, r: number, keylen: number, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await new Promise((resolve, reject) => scrypt('password', 'saltsaltsaltsalt', keylen, { N, r, p: 1, maxmem: 256 * N * r }, (e, k) => (e ? reject(e) : resolve(k))));
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** What one request puts into CloudWatch Logs: the function's own lines (measured), Lambda's records and the access-log line. */
function logsOf(route: string, own = 0) {
  const access = accessLogBytes(route);
  return { own, platform: PLATFORM_LOG_BYTES, access, total: own + PLATFORM_LOG_BYTES + access };
}

function costs(verifyMs: number, passwordWaitMs: number, hash: number, accounting: { verify: PerRequest; password: PerRequest }, verifyMemoryMb: number, loginMemoryMb: number) {
  const memory = loginMemoryTable(hash, passwordWaitMs);
  const logs = { verify: logsOf('POST /2fa/authenticate', accounting.verify.logBytes), password: logsOf('POST /api/auth/login', accounting.password.logBytes) };
  const password = costPerMillion({
    memoryMb: loginMemoryMb,
    durationMs: memory.find((m) => m.memoryMb === loginMemoryMb)?.durationMs ?? hash * Math.max(1, FULL_VCPU_MB / loginMemoryMb) + passwordWaitMs,
    readUnits: accounting.password.readUnits,
    writeUnits: accounting.password.writeUnits,
    kmsCalls: 0,
    securityEvents: accounting.password.securityEvents,
    logBytes: logs.password.total,
  });
  const v = accounting.verify;
  const verify = costPerMillion({
    memoryMb: verifyMemoryMb,
    durationMs: verifyMs,
    readUnits: v.readUnits,
    writeUnits: v.writeUnits,
    kmsCalls: 0,
    securityEvents: v.securityEvents,
    logBytes: logs.verify.total,
  });
  return { verify, password, memory, logs, verifyDurationMs: verifyMs, verifyMemoryMb, loginMemoryMb, hashMs: hash, passwordWaitMs };
}

/** Our server, started and prepared: its users, the warm-up and the DynamoDB accounting done. */
async function startOurs(env: NodeJS.ProcessEnv, tmp: string, s: ReturnType<typeof settings>) {
  const verifies = s.verify.c1 + s.rounds * s.verify.c16 + s.warmup + s.accountingRequests + warmPass(s, s.verify.c16);
  // Steps a user surely has left (ours.ts): the current one and the next (more if the clock moves on);
  // one round of c=16 more, so the last pass never runs short.
  const users = Math.ceil(verifies / 2) + 16;
  log(`preparing ${users} enrolled users with pending tokens, and 4 password users (scrypt 2^17)`);
  const t0 = performance.now();
  const [verifyPrep, passwordPrep] = await Promise.all([
    prepare({ ...env, SCRYPT_LOG_N: '14' }, 'verify', users, join(tmp, 'load-verify.json')),
    prepare(env, 'password', 4, join(tmp, 'load-password.json')),
  ]);
  log(`  prepared in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const serverLog = join(tmp, 'load-server.log');
  const server = await startServer(env, serverLog);
  try {
    const plan = new VerifyPlan(verifyPrep);
    // Warm-up (the first request's one-time work: signing key, data key, policy), then accounting.
    await verifyWindow(server, plan, s.warmup, 1, s.capSeconds);
    await passwordWindow(server, passwordPrep, 2, 1, s.capSeconds);
    server.account(true);
    await server.take();
    // The bytes the server's log grew by over a window: what its requests write to a log group.
    const logged = async <T extends { n: number }>(window: () => Promise<T>) => {
      const before = statSync(serverLog).size;
      const result = await window();
      return { result, logBytes: (statSync(serverLog).size - before) / result.n };
    };
    const accountedVerify = await logged(() => verifyWindow(server, plan, s.accountingRequests, 1, s.capSeconds));
    const verifyCounts = { ...perRequest(await server.take(), accountedVerify.result.n), logBytes: accountedVerify.logBytes };
    const accountedPassword = await logged(() => passwordWindow(server, passwordPrep, 4, 1, s.capSeconds));
    const passwordCounts = { ...perRequest(await server.take(), accountedPassword.result.n), logBytes: accountedPassword.logBytes };
    server.account(false);
    return {
      name: 'ours',
      c16: s.verify.c16,
      accounting: { verify: verifyCounts, password: passwordCounts },
      verify: (count: number, concurrency: number) => verifyWindow(server, plan, count, concurrency, s.capSeconds),
      password: (count: number, concurrency: number) => passwordWindow(server, passwordPrep, count, concurrency, s.capSeconds),
      remaining: () => plan.remaining(),
      server,
      log: serverLog,
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** The floor server's verify windows, against the same DynamoDB Local as ours. */
async function floorSide(env: NodeJS.ProcessEnv, s: ReturnType<typeof settings>, client: FloorClient): Promise<StepResults> {
  const server = await startFloor(env, client);
  try {
    await floorWindow(server, s.warmup, 1, s.capSeconds);
    log(`floor (${client}): verify c=1 (${s.verify.c1}), c=16 (${s.verify.c16})`);
    return { c1: await floorWindow(server, s.verify.c1, 1, s.capSeconds), c16: await floorWindow(server, s.verify.c16, 16, s.capSeconds) };
  } finally {
    await server.stop();
  }
}

/**
 * The floor at c=4, 16 and 64: DynamoDB Local serializes its writes (a lock on the table), and on a
 * core of its own (placement.ts) it keeps that core busy, so past a few requests in flight the step's
 * rate stops growing with concurrency. Whatever stays flat here is the stand-in's ceiling for ours
 * as much as for the floor.
 */
async function standInCeiling(env: NodeJS.ProcessEnv, s: ReturnType<typeof settings>): Promise<LoadResult[]> {
  const server = await startFloor(env, 'http');
  try {
    await floorWindow(server, s.warmup, 1, s.capSeconds);
    const windows: LoadResult[] = [];
    for (const c of [4, 16, 64]) windows.push(await floorWindow(server, s.verify.c16, c, s.capSeconds));
    return windows;
  } finally {
    await server.stop();
  }
}

/**
 * Each server's own verify step once at c=16, untimed, before its timed windows: the floor's calls
 * warm DynamoDB Local's common paths, but ours ran at 0.8× of what they read on a stand-in that had
 * seen ours' own requests (201 against 260 req/s at c=16, the peer unchanged). The peer gets the
 * same pass. Off with the stand-in's warm-up.
 */
const warmPass = (s: ReturnType<typeof settings>, count: number) => (s.standInWarmupSeconds ? count : 0);

/** Floor verifies per warm-up round, and how little a round may gain on the best before it counts as flat. */
const WARMUP_ROUND = 2000;
const WARMUP_FLAT = 1.03;

/**
 * DynamoDB Local is a JVM: until its JIT has compiled the hot paths it answers a fraction as fast
 * (three rounds of this benchmark on one instance read ours at 186, 239 and 277 req/s at c=16, the
 * floor at 240, 279 and 305). DynamoDB itself has no such phase, so every timed window is for a
 * warm stand-in: the floor's calls (the verify step's Query and transaction) drive it first, in
 * rounds, until two rounds in a row gain less than 3% on the best (or the time is up).
 */
async function warmStandIn(env: NodeJS.ProcessEnv, s: ReturnType<typeof settings>): Promise<number[]> {
  const rates: number[] = [];
  if (!s.standInWarmupSeconds) return rates;
  const server = await startFloor(env, 'http');
  try {
    const until = performance.now() + s.standInWarmupSeconds * 1000;
    let flat = 0;
    while (flat < 2 && performance.now() < until) {
      const { reqPerSec } = await floorWindow(server, WARMUP_ROUND, 16, s.standInWarmupSeconds);
      flat = rates.length && reqPerSec < WARMUP_FLAT * Math.max(...rates) ? flat + 1 : 0;
      rates.push(reqPerSec);
    }
    log(`DynamoDB Local warmed by ${rates.length} rounds of ${WARMUP_ROUND} floor verifies at c=16: ${rates.map((r) => r.toFixed(0)).join(', ')} req/s`);
  } finally {
    await server.stop();
  }
  return rates;
}

/** Runs `window`; if the server died in it (`died` gives why), `restart`s it and runs the window once more, whatever that gives. */
export async function rerunIfDied(window: () => Promise<LoadResult>, died: () => string | undefined, restart: (reason: string) => Promise<void>): Promise<LoadResult> {
  const result = await window();
  const reason = died();
  if (!reason) return result;
  await restart(reason);
  return window();
}

/**
 * The peer, started: its users enrolled, a sign-in challenge made for every verify it will answer, its
 * warm-up done. A window it dies in (peer.ts: the harness's better-sqlite3 can abort on Node 24, about
 * one run in five) runs again, once, on the peer restarted over the same database, with challenges
 * made for it and an untimed warm pass first; `restarts` says why. Dying again fails the load phase.
 */
async function startPeerSide(tmp: string, s: ReturnType<typeof settings>) {
  const dbFile = join(tmp, 'peer.db');
  let server = await startPeer(dbFile);
  let client = new PeerClient(server);
  const users: PeerUser[] = [];
  const challenges: Array<{ user: PeerUser; cookie: string }> = [];
  const restarts: string[] = [];
  const makeChallenges = async (count: number) => {
    challenges.push(
      ...(await pool(count, 4, async (i) => {
        const user = users[i % users.length]!;
        return { user, cookie: await client.challenge(user) };
      })),
    );
  };
  const warmCount = s.warmup + warmPass(s, s.peerVerify.c16);
  const verifyOnce = (count: number, concurrency: number) => peerVerifyWindow(server, client, challenges, count, concurrency, s.capSeconds);
  const surviving = (window: () => Promise<LoadResult>, challengesNeeded: number) =>
    rerunIfDied(window, () => server.died(), async (reason) => {
      restarts.push(reason);
      log(`peer: ${reason}; restarted over its database, and the window again after a warm pass`);
      client.close();
      server = await startPeer(dbFile, false);
      client = new PeerClient(server);
      await makeChallenges(challengesNeeded + warmCount);
      await verifyOnce(s.warmup, 1);
      if (warmCount > s.warmup) await verifyOnce(warmCount - s.warmup, 16);
      await new Promise((r) => setTimeout(r, s.settleMs));
    });
  try {
    log('peer: enrolling 16 users');
    for (let batch = 0; batch < 16; batch += 4) {
      users.push(...(await Promise.all([0, 1, 2, 3].map((i) => client.enrol(`peer-${batch + i}-${Date.now()}@example.com`)))));
    }
    const wanted = s.peerVerify.c1 + s.rounds * s.peerVerify.c16 + warmCount;
    log(`peer: ${wanted} sign-in challenges (one per verify)`);
    await makeChallenges(wanted);
    await verifyOnce(s.warmup, 1);
    return {
      name: 'peer',
      c16: s.peerVerify.c16,
      verify: (count: number, concurrency: number) => surviving(() => verifyOnce(count, concurrency), count),
      password: (count: number, concurrency: number) =>
        surviving(
          () =>
            load({
              base: server.url,
              serverPid: server.pid,
              count,
              concurrency,
              capSeconds: s.capSeconds,
              next: (i) => (server.died() ? undefined : client.signInRequest(users[i % users.length]!)),
              check: peerSignInOk,
            }),
          0,
        ),
      died: () => server.died(),
      restarts,
      stop: async () => {
        client.close();
        await server.stop();
      },
    };
  } catch (error) {
    client.close();
    await server.stop();
    throw error;
  }
}

/** A server the rounds drive: its verify window, and how many requests its c=16 window sends. */
export type Side = { name: string; c16: number; verify(count: number, concurrency: number): Promise<LoadResult> };

/**
 * The verify step at c=16: ours, the peer's and the floor's windows in turn, `rounds` times, the order
 * reversed every other round (ours, peer, floor; then floor, peer, ours): each round's ratios are of
 * windows taken seconds apart, so a neighbour's burst on this shared machine or a drift over the run
 * weighs on all alike. Each window starts after `settleMs` idle: without it a window read 5–11% lower
 * right after another server's window than after its own (what one burst leaves behind, collections
 * and the stand-in's background work, ran into the next).
 */
export async function alternate(sides: { ours: Side; peer?: Side; floor: Side }, s: ReturnType<typeof settings>): Promise<Round[]> {
  const rounds: Round[] = [];
  const forward = [sides.ours, sides.peer, sides.floor].filter((side): side is Side => side !== undefined);
  for (let i = 0; i < s.rounds; i++) {
    const got: Partial<Record<string, LoadResult>> = {};
    for (const side of i % 2 ? [...forward].reverse() : forward) {
      await new Promise((r) => setTimeout(r, s.settleMs));
      got[side.name] = await side.verify(side.c16, 16);
    }
    rounds.push({ ours: got.ours!, peer: got.peer, floor: got.floor! });
  }
  return rounds;
}

/** The round whose ours ×peer in requests per second is the median (ours alone when the peer is skipped): windows measured together. */
export function medianRound(rounds: Round[]): Round {
  const key = (r: Round) => r.ours.reqPerSec / (r.peer?.reqPerSec ?? 1);
  return [...rounds].sort((a, b) => key(a) - key(b))[Math.floor((rounds.length - 1) / 2)]!;
}

/**
 * Runs the whole comparison against the DynamoDB Local at `env.DYNAMODB_ENDPOINT` (the table must
 * exist). `env` is what both children get: table, data key file, token issuer.
 */
export async function runLoadBench(env: NodeJS.ProcessEnv, tmp: string, memory: { verifyMb: number; loginMb: number }): Promise<LoadBenchResult> {
  const s = settings();
  const started = performance.now();
  const hash = { ours: await hashMs(2 ** 17, 8, 32), peer: await hashMs(2 ** 14, 16, 64) };
  log(`scrypt on one core: ours (N=2^17, r=8) ${hash.ours.toFixed(0)} ms, the peer's (N=2^14, r=16) ${hash.peer.toFixed(0)} ms`);
  const scale = await timeoutScale(hash.ours, 16, Number(env.TIMEOUT_SCALE ?? 1));
  log(`our server's TIMEOUT_SCALE: ${scale} (sixteen queued hashes, environment.ts)`);
  const standInWarmup = await warmStandIn(env, s);
  const ours = await startOurs({ ...env, TIMEOUT_SCALE: String(scale) }, tmp, s);
  let peerSide: Awaited<ReturnType<typeof startPeerSide>> | undefined;
  try {
    const floor = { http: await floorSide(env, s, 'http'), client: await floorSide(env, s, 'client'), sdk: await floorSide(env, s, 'sdk') };
    log(`the stand-in's ceiling: the floor at c=4, 16, 64 (${s.verify.c16} each)`);
    const ceiling = await standInCeiling(env, s);
    let skipped: string | undefined;
    if (!s.peer) skipped = 'LOAD_PEER=0';
    else if (!peerInstalled()) skipped = `not installed: npx tsx test/bench/load/peer.ts --install (into ${peerDir()})`;
    else peerSide = await startPeerSide(tmp, s);
    const sides = peerSide ? [ours, peerSide] : [ours];
    for (const side of sides) {
      if (!warmPass(s, s.verify.c16)) break;
      log(`${side.name}: a warm pass of verifies at c=16 (untimed)`);
      await side.verify(side.c16, 16);
    }
    const profileDir = process.env.LOAD_CPU_PROFILE;
    if (profileDir) await ours.server.profile(true);
    log(`verify at c=16: ${s.rounds} rounds of ours (${s.verify.c16}), the peer (${s.peerVerify.c16}) and the floor (${s.verify.c16}) in turn; ours has ${ours.remaining()} (user, step) pairs ready`);
    const floorServer = await startFloor(env, 'http');
    const rounds = await (async () => {
      try {
        const floorSide = { name: 'floor', c16: s.verify.c16, verify: (count: number, concurrency: number) => floorWindow(floorServer, count, concurrency, s.capSeconds) };
        await floorSide.verify(s.warmup, 1);
        return await alternate({ ours, peer: peerSide, floor: floorSide }, s);
      } finally {
        await floorServer.stop();
      }
    })();
    const median = medianRound(rounds);
    log(`verify at c=1: ours (${s.verify.c1}), the peer (${s.peerVerify.c1})`);
    const verify = { ours: { c1: await ours.verify(s.verify.c1, 1), c16: median.ours }, peer: { c1: await peerSide?.verify(s.peerVerify.c1, 1), c16: median.peer } };
    if (profileDir) {
      const file = join(profileDir, `verify-${Date.now()}.cpuprofile`);
      await ours.server.profile(false, file);
      log(`CPU profile of the verify windows: ${file} (npx tsx test/bench/load/profile-summary.ts ${file})`);
    }
    log(`password step: c=1 (${s.password.c1}), c=16 (${s.password.c16}), ours then the peer`);
    const password = async (side: Side & Pick<typeof ours, 'password'>): Promise<StepResults> => ({
      c1: await side.password(s.password.c1, 1),
      c16: await side.password(s.password.c16, 16),
    });
    const ourPassword = await password(ours);
    const peerPassword = peerSide && (await password(peerSide));
    const failed = [verify.ours.c1, ...rounds.map((r) => r.ours), ourPassword.c1, ourPassword.c16].some((r) => r?.errors);
    if (failed && process.env.LOAD_KEEP_LOG === '1') log(`errors: the server's log is ${ours.log}`);
    else if (failed) log(`errors; the server's log: ${readFileSync(ours.log, 'utf8').slice(-2000)}`);
    // The verify step's Lambda duration: its latency alone (c=1, p50) through the local gateway.
    const verifyMs = verify.ours.c1.p50;
    // The password step's time not spent hashing (its DynamoDB calls): its c=1 p50 less one hash.
    const passwordWaitMs = Math.max(0, ourPassword.c1!.p50 - hash.ours);
    return {
      node: `v${serverNodeVersion()}`,
      driverNode: process.version,
      placement: placement().description,
      ours: { verify: verify.ours, password: ourPassword, accounting: ours.accounting },
      peer: peerSide ? { verify: verify.peer, password: peerPassword!, died: peerSide.died(), restarts: peerSide.restarts } : { skipped: skipped! },
      rounds,
      floor,
      ceiling,
      scryptMs: hash,
      standInWarmup,
      cost: costs(verifyMs, passwordWaitMs, hash.ours, ours.accounting, memory.verifyMb, memory.loginMb),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await peerSide?.stop();
    await ours.stop();
  }
}

const f = (n: number | undefined, d = 1) => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(d));
const x = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '–' : `${(a / b).toFixed(2)}×`);
const usd = (n: number) => `$${n.toFixed(3)}`;

/** The printed report: the steps side by side with ratios, the DynamoDB accounting, the costs. */
export function loadReport(r: LoadBenchResult, table: (header: string[], rows: string[][], right?: number[]) => string): string[] {
  const out: string[] = [];
  const peer = r.peer && 'verify' in r.peer ? r.peer : undefined;
  out.push(
    `Load (separate server processes on ${r.node}, one bounded keep-alive client on ${r.driverNode}; ours: the local gateway against DynamoDB Local; peer: better-auth two-factor, SQLite); ${r.placement}. ` +
      'Latency ms; CPU: the server process (user+system) per successful request.',
  );
  // Each timed window, ours beside the peer's: the rows of both tables below.
  const windows = ([['verify (2FA step)', r.ours.verify, peer?.verify], ['password step', r.ours.password, peer?.password]] as const).flatMap(
    ([label, ourStep, peerStep]) => (['c1', 'c16'] as const).map((c) => ({ label, c: c.slice(1), o: ourStep[c], p: peerStep?.[c] })),
  );
  const rows = windows.map(({ label, c, o, p }) => [
    label,
    c,
    `${o?.n ?? 0}${o?.errors ? `/${o.errors}err` : ''}`,
    f(o?.reqPerSec),
    f(o?.p50, 2),
    f(o?.p90, 2),
    f(o?.p99, 2),
    f(o?.serverCpuMs, 2),
    p ? `${p.n}${p.errors ? `/${p.errors}err` : ''}` : '–',
    f(p?.reqPerSec),
    f(p?.p50, 2),
    f(p?.p99, 2),
    f(p?.serverCpuMs, 2),
    x(o?.reqPerSec, p?.reqPerSec),
    x(o?.p50, p?.p50),
    x(o?.p99, p?.p99),
    x(o?.serverCpuMs, p?.serverCpuMs),
  ]);
  out.push(
    table(
      ['step', 'c', 'n', 'req/s', 'p50', 'p90', 'p99', 'cpu ms', 'peer n', 'req/s', 'p50', 'p99', 'cpu ms', 'req/s ×peer', 'p50 ×peer', 'p99 ×peer', 'cpu ×peer'],
      rows,
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    ),
  );
  if (r.rounds.length) {
    const listed = (values: number[]) => `${values.map((v) => f(v, 2)).join(', ')} (median ${f(median(values), 2)}, ${f(Math.min(...values), 2)}–${f(Math.max(...values), 2)})`;
    const ratio = (a: (round: Round) => number | undefined, b: (round: Round) => number | undefined) => listed(r.rounds.map((round) => (a(round) ?? NaN) / (b(round) ?? NaN)));
    const rates = (of: (round: Round) => LoadResult | undefined) => r.rounds.map((round) => f(of(round)?.reqPerSec, 0)).join(', ');
    out.push(
      `Verify at c=16 in ${r.rounds.length} rounds, ours, the peer's and the floor's windows in turn (the order reversed every other round); ` +
        `the row above is the median round by ours ×peer. req/s: ours ${rates((round) => round.ours)}; the peer ${rates((round) => round.peer)}; the floor ${rates((round) => round.floor)}.`,
    );
    if (peer) {
      out.push(`  ours ×peer, req/s: ${ratio((round) => round.ours.reqPerSec, (round) => round.peer?.reqPerSec)}; server CPU: ${ratio((round) => round.ours.serverCpuMs, (round) => round.peer?.serverCpuMs)}`);
      out.push(`  the floor ×peer, req/s: ${ratio((round) => round.floor.reqPerSec, (round) => round.peer?.reqPerSec)}`);
    }
    out.push(`  ours ×the floor, req/s: ${ratio((round) => round.ours.reqPerSec, (round) => round.floor.reqPerSec)}`);
  }
  out.push(
    "The machine's CPU per verify, ms: the load client (this process), the server, DynamoDB Local (about 0 for the peer, which does not use it). " +
      'The three share the machine, so the total is what it carries per verify:',
  );
  const total = (l: LoadResult | undefined) => (l ? l.clientCpuMs + l.serverCpuMs + l.standInCpuMs : undefined);
  const box = (label: string, c: string, l: LoadResult | undefined) => [
    label,
    c,
    f(l?.reqPerSec, 0),
    f(l?.clientCpuMs, 2),
    f(l?.serverCpuMs, 2),
    f(l?.standInCpuMs, 2),
    f(total(l), 2),
  ];
  out.push(
    table(
      ['verify', 'c', 'req/s', 'client', 'server', 'DynamoDB Local', 'total', 'total ×peer'],
      (['c1', 'c16'] as const).flatMap((c) => [
        [...box('ours', c.slice(1), r.ours.verify[c]), x(total(r.ours.verify[c]), total(peer?.verify[c]))],
        [...box('the floor', c.slice(1), r.floor.http[c]), x(total(r.floor.http[c]), total(peer?.verify[c]))],
        [...box('the peer', c.slice(1), peer?.verify[c]), '–'],
      ]),
      [1, 2, 3, 4, 5, 6, 7],
    ),
  );
  const cores = availableParallelism();
  const busy = (of: (l: LoadResult) => number, over = 1) => r.ceiling.map((l) => `${f((of(l) * l.reqPerSec) / 10 / over, 0)}%`).join(', '); // % of `over` cores
  out.push(
    `The stand-in's ceiling: the floor at c=${r.ceiling.map((l) => l.concurrency).join(', ')} made ${r.ceiling.map((l) => f(l.reqPerSec, 0)).join(', ')} req/s ` +
      `(p50 ${r.ceiling.map((l) => f(l.p50, 1)).join(', ')} ms); the machine's ${cores} cores ${busy((l) => total(l)!, cores)} busy ` +
      `(client, floor server, DynamoDB Local), DynamoDB Local alone ${busy((l) => l.standInCpuMs)} of one core. ` +
      'Past a few requests in flight the rate stops growing: that is the most any server doing this step can answer here.',
  );
  out.push(
    "Where the server's CPU per request went: user space (the process's own code) and the kernel (its system calls; ours makes " +
      "two HTTP round trips to DynamoDB Local per verify, the peer's SQLite is in its process), ms:",
  );
  const split = (l: LoadResult | undefined) => `${f(l?.serverUserCpuMs, 2)} + ${f(l?.serverSystemCpuMs, 2)}`;
  out.push(
    table(
      ['step', 'c', 'ours user + system', 'peer user + system', 'user ×peer', 'system ×peer'],
      windows.map(({ label, c, o, p }) => [
        label,
        c,
        split(o),
        p ? split(p) : '–',
        x(o?.serverUserCpuMs, p?.serverUserCpuMs),
        x(o?.serverSystemCpuMs, p?.serverSystemCpuMs),
      ]),
      [1, 2, 3, 4, 5],
    ),
  );
  out.push(
    "The verify step's floor on DynamoDB (floor.ts: per request the step's two DynamoDB calls and an answer the size of ours, no token or " +
      'code checked), its calls signed and sent with node:http, through our client (shared/store/client.ts), and through the SDK\'s ' +
      "document client. CPU per request, ms; a client's 'adds' is its CPU over the floor's; the last column is what our own code adds to our client's:",
  );
  out.push(
    table(
      ['step', 'c', 'floor req/s', 'floor cpu ms', 'floor ×peer', 'client cpu ms', 'client adds', 'SDK cpu ms', 'SDK adds', 'ours ×floor', 'ours − client ms'],
      (['c1', 'c16'] as const).map((c) => {
        const [o, p, fl] = [r.ours.verify[c]?.serverCpuMs, peer?.verify[c]?.serverCpuMs, r.floor.http[c]];
        const [client, sdk] = [r.floor.client[c]?.serverCpuMs, r.floor.sdk[c]?.serverCpuMs];
        const less = (a: number | undefined, b: number | undefined) => f((a ?? NaN) - (b ?? NaN), 2);
        return ['verify (2FA step)', c.slice(1), f(fl?.reqPerSec), f(fl?.serverCpuMs, 2), x(fl?.serverCpuMs, p), f(client, 2), less(client, fl?.serverCpuMs), f(sdk, 2), less(sdk, fl?.serverCpuMs), x(o, fl?.serverCpuMs), less(o, client)];
      }),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ),
  );
  if (r.peer && 'skipped' in r.peer) out.push(`Peer skipped: ${r.peer.skipped}`);
  if (peer?.restarts.length) out.push(`Peer: restarted ${peer.restarts.length}× (${peer.restarts.join('; ')}): each window it died in ran again on the restarted peer, after a warm pass.`);
  if (peer?.died) out.push(`Peer: ${peer.died}; its windows after that are empty.`);
  for (const [name, step] of Object.entries({ ...r.ours.verify, ...Object.fromEntries(Object.entries(r.ours.password).map(([k, v]) => [`password ${k}`, v])) })) {
    if (step?.errors) out.push(`  ours ${name}: ${step.errors} errors, e.g. ${step.errorSamples.join(' | ')}`);
  }
  out.push(
    `scrypt, one hash on one core: ours N=2^17 r=8 ${f(r.scryptMs.ours, 0)} ms, the peer's N=2^14 r=16 ${f(r.scryptMs.peer, 0)} ms (${x(r.scryptMs.ours, r.scryptMs.peer)}): ` +
      'the password step is the hash; compare its ratio against this one.',
  );
  if (r.standInWarmup.length) {
    out.push(
      `DynamoDB Local warmed before the windows (its JIT): rounds of ${WARMUP_ROUND} floor verifies at c=16 read ${r.standInWarmup.map((v) => f(v, 0)).join(', ')} req/s.`,
    );
  }
  const a = r.ours.accounting;
  const calls = (p: PerRequest) => Object.entries(p.calls).map(([k, v]) => `${f(v, 2)} ${k}`).join(' + ');
  const units = (p: PerRequest) =>
    `${f(p.readUnits, 2)} RRU, ${f(p.writeUnits, 2)} WRU (of which indexes ${f(p.indexReadUnits, 2)} RRU, ${f(p.indexWriteUnits, 2)} WRU; ` +
    `DynamoDB Local's own count ${f(p.localReadUnits, 2)} RRU, ${f(p.localWriteUnits, 2)} WRU), ${f(p.securityEvents, 2)} security events`;
  out.push(
    `DynamoDB per request (an untimed pass; the table's units by DynamoDB's per-item rules from the measured item sizes, the indexes' as ` +
      `DynamoDB Local reports them; its own count sums a transaction's items before rounding, AWS charges each item): ` +
      `verify ${f(a.verify.callsPerRequest, 2)} calls (${calls(a.verify)}), ${units(a.verify)}; ` +
      `password step ${f(a.password.callsPerRequest, 2)} calls (${calls(a.password)}), ${units(a.password)}`,
  );
  const sizes = (p: PerRequest) => Object.entries(p.itemBytes).map(([k, v]) => `${k} ${v} B`).join(', ') || 'none';
  out.push(`  items written (largest, bytes): verify ${sizes(a.verify)}; password step ${sizes(a.password)}`);
  const c = r.cost;
  out.push(
    `Login memory (Lambda: a vCPU share proportional to memory, a full vCPU at ${FULL_VCPU_MB} MB; the hash is one thread): ` +
      c.memory.map((m) => `${m.memoryMb} MB ${f(m.durationMs, 0)} ms ${usd(m.lambdaDurationPerMillion)}/M`).join(', '),
  );
  const line = (name: string, b: CostBreakdown) =>
    `  ${name}: ${usd(b.total)} = API Gateway ${usd(b.apiGateway)} + Lambda requests ${usd(b.lambdaRequests)} + Lambda GB-s ${usd(b.lambdaDuration)} + ` +
    `DynamoDB reads ${usd(b.dynamoReads)} + writes ${usd(b.dynamoWrites)} + KMS ${usd(b.kms)} + security events (pipe, bus) ${usd(b.securityEvents)} + ` +
    `CloudWatch Logs ${usd(b.logs)}`;
  const logged = (name: string, l: ReturnType<typeof logsOf>) =>
    `${name} ${f(l.total, 0)} B (its own lines ${f(l.own, 0)}, measured; Lambda's start and report records ${l.platform}; the access-log line ${l.access})`;
  out.push(`Logs per request, into CloudWatch Logs: ${logged('verify', c.logs.verify)}; ${logged('password step', c.logs.password)}`);
  out.push(`Cost per million (us-east-1, arm64, on demand; durations measured here, DynamoDB units counted above; pipe batches of ${PIPE_BATCH}):`);
  out.push(line(`second-factor step (${c.verifyMemoryMb} MB, ${f(c.verifyDurationMs, 1)} ms)`, c.verify));
  out.push(line(`password step (${c.loginMemoryMb} MB, hash ${f(c.hashMs, 0)} ms on a full core + ${f(c.passwordWaitMs, 1)} ms waiting)`, c.password));
  out.push(`  a 2FA login (both): ${usd(c.verify.total + c.password.total)}; goal for the second-factor step: $2.50 (${c.verify.total <= 2.5 ? 'met' : 'not met'})`);
  out.push(`Load phase ${f(r.seconds, 1)} s`);
  return out;
}

/**
 * `npm run bench`'s load phase, against its DynamoDB Local: the report's lines and the JSON; a window
 * with errors is a failure (the peer missing is not: the report says how to install it).
 */
export async function runLoadPhase(
  tmp: string,
  failures: string[],
  table: (header: string[], rows: string[][], right?: number[]) => string,
): Promise<{ lines: string[]; result: LoadBenchResult }> {
  const { loadEnvironment, loadMemory } = await import('./environment');
  const { ensureTable } = await import('../../../infra/local/create-table');
  const { startDynamoDbLocal } = await import('../../../infra/local/dynamodb');
  // A DynamoDB Local of its own: on one other phases had used, the stand-in made about half the
  // requests per second (the floor's included), which no code of ours did.
  const dynamo = await startDynamoDbLocal({ port: 0, jvm: 'full' });
  let result: LoadBenchResult;
  try {
    pin(dynamo.pid, placement().standIn);
    const env = loadEnvironment(tmp, dynamo.endpoint);
    await ensureTable(dynamo.endpoint, env.TABLE_NAME!);
    meterStandIn(dynamo.pid);
    result = await runLoadBench(env, tmp, await loadMemory());
  } finally {
    meterStandIn(undefined);
    await dynamo.stop();
  }
  if (result.peer && 'died' in result.peer && result.peer.died) failures.push(`load: ${result.peer.died}; its figures stop there`);
  // Every timed window once (the median round is also each step's c=16): the rounds' and the ceiling's too.
  const steps = [result.ours.verify, result.ours.password, ...Object.values(result.floor), ...(result.peer && 'verify' in result.peer ? [result.peer.verify, result.peer.password] : [])];
  const windows = new Set([...steps.flatMap((w) => [w.c1, w.c16]), ...result.rounds.flatMap((r) => [r.ours, r.peer, r.floor]), ...result.ceiling]);
  for (const r of windows) if (r?.errors) failures.push(`load: ${r.errors} failed requests at c=${r.concurrency}: ${r.errorSamples.join(' | ')}`);
  return { lines: loadReport(result, table), result };
}
