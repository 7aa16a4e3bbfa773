/**
 * Our side of the load benchmark: the server and preparation children, and the timed windows of the
 * second-factor step (POST /2fa/authenticate with a TOTP code) and the password step
 * (POST /api/auth/login of an enrolled user: the pending token).
 *
 * TOTP codes are single-use per user and time step, and steps only move forward, so each verify
 * needs a (user, step) not used yet: users are enrolled at step E-1 and each serves the current and
 * the next step, in order. Never the previous one, though the server accepts it too: a step boundary
 * between sending and checking (a loaded machine) would make it two steps old and refuse it, where
 * the current or next step stays inside the server's drift window across one boundary. The driver
 * walks the users in passes (one step each per pass), so no user has two requests in flight, and the
 * codes of every user for the steps a window may reach are computed before the window starts.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import { readyUrl, stopChild, tsChild } from './children';
import { load, type HttpRequest, type LoadResult } from './client';
import { pin, placement } from './placement';
import type { Prepared, PreparedVerifyUser } from './prepare';
import type { Accounting } from './server';
import { METRICS_NAMESPACE } from '../../../shared/model/metric-names';

const here = __dirname;
const step = () => Math.floor(Date.now() / 30_000);

export interface OurServer {
  url: string;
  pid: number;
  child: ChildProcess;
  account(on: boolean): void;
  /** Starts a CPU profile, or stops it and writes it to `file`. */
  profile(on: boolean, file?: string): Promise<void>;
  take(): Promise<Accounting>;
  stop(): Promise<void>;
}

/**
 * The server's log goes to `logFile`, written as the stack deploys the functions: at LOG_LEVEL INFO
 * with the metrics' EMF lines on (what a Lambda writes to its log group, and what the cost prices).
 */
export async function startServer(env: NodeJS.ProcessEnv, logFile: string): Promise<OurServer> {
  // The same Node as the peer's server (peer.ts), so the two share a runtime.
  const child = tsChild(join(here, 'server.ts'), { ...env, LOG_LEVEL: 'INFO', POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE }, [], logFile);
  const url = await readyUrl(child, 'load server');
  pin(child.pid!, placement().servers);
  return {
    url,
    pid: child.pid!,
    child,
    account: (on) => child.send({ type: 'account', on }),
    profile: (on, file) =>
      new Promise((resolve) => {
        child.once('message', () => resolve());
        child.send({ type: 'profile', on, file });
      }),
    take: () =>
      new Promise((resolve) => {
        child.once('message', (m: { counts: Accounting }) => resolve(m.counts));
        child.send({ type: 'take' });
      }),
    stop: () => stopChild(child, () => child.send({ type: 'stop' })),
  };
}

export async function prepare(env: NodeJS.ProcessEnv, role: 'verify' | 'password', users: number, outFile: string): Promise<Prepared> {
  const child = tsChild(join(here, 'prepare.ts'), { ...env, LOAD_ROLE: role, LOAD_USERS: String(users), LOAD_PREP_OUT: outFile });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`preparing ${role} users failed (exit ${code})`);
  return JSON.parse(readFileSync(outFile, 'utf8')) as Prepared;
}

interface VerifyCursor {
  user: PreparedVerifyUser;
  lastStep: number;
  codes: Map<number, string>;
}

/** The first step a request sent now may use: the user's next, and never one already past. */
const firstStep = (c: VerifyCursor, now: number) => Math.max(c.lastStep + 1, now);

/**
 * The verify requests of one or more windows: each call of `next` takes the next user of the pass
 * and its next unused step, the current or the next one. Codes for steps up to `now + 2` (a window
 * may cross one boundary) are made by `refill` (before a window), never inside it.
 */
export class VerifyPlan {
  private cursors: VerifyCursor[];
  private index = 0;
  private pass = 0;

  constructor(prepared: Prepared) {
    this.cursors = prepared.verify.map((user) => ({ user, lastStep: user.enrolledStep, codes: new Map() }));
  }

  async refill(): Promise<void> {
    const now = step();
    for (const c of this.cursors) {
      for (let s = firstStep(c, now); s <= now + 2; s++) {
        if (!c.codes.has(s)) c.codes.set(s, await generate({ secret: c.user.secret, epoch: s * 30 }));
      }
    }
  }

  next(): HttpRequest | undefined {
    const now = step();
    for (let tried = 0; tried < this.cursors.length * 3; tried++) {
      if (this.index >= this.cursors.length) {
        this.index = 0;
        this.pass++;
      }
      const c = this.cursors[this.index++]!;
      const s = firstStep(c, now);
      const token = c.user.tokens.shift();
      const code = c.codes.get(s);
      if (s > now + 1 || !token || !code) {
        if (token) c.user.tokens.unshift(token);
        continue;
      }
      c.lastStep = s;
      return { method: 'POST', path: '/2fa/authenticate', headers: { authorization: `Bearer ${token}` }, body: { code } };
    }
    return undefined;
  }

  /** How many more verifies the prepared users can still serve now. */
  remaining(): number {
    const now = step();
    return this.cursors.reduce((sum, c) => sum + Math.min(c.user.tokens.length, Math.max(0, now + 1 - firstStep(c, now) + 1)), 0);
  }
}

export const verifyOk = (res: { status: number; text: string }) => res.status === 200 && res.text.includes('"accessToken"');
export const pendingOk = (res: { status: number; text: string }) => res.status === 200 && res.text.includes('"pendingToken"');

export async function verifyWindow(server: OurServer, plan: VerifyPlan, count: number, concurrency: number, capSeconds: number): Promise<LoadResult> {
  await plan.refill();
  return load({ base: server.url, serverPid: server.pid, count, concurrency, capSeconds, next: () => plan.next(), check: verifyOk });
}

export function passwordWindow(server: OurServer, prepared: Prepared, count: number, concurrency: number, capSeconds: number): Promise<LoadResult> {
  const users = prepared.password;
  return load({
    base: server.url,
    serverPid: server.pid,
    count,
    concurrency,
    capSeconds,
    next: (i) => {
      const u = users[i % users.length]!;
      return { method: 'POST', path: '/api/auth/login', body: { email: u.email, password: u.password } };
    },
    check: pendingOk,
  });
}
