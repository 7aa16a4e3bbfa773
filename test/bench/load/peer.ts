/**
 * The peer side by side: better-auth's two-factor plugin, from the harness in
 * ../shared/peers/better-auth (its server.mjs, SQLite backend), installed outside the repository's
 * tracked files by `npx tsx test/bench/load/peer.ts --install` (into .data/peers/, which git ignores;
 * one folder per Node major, as its native SQLite module is built for one). Driven by the same client as our server, with the same preparation outside the timed
 * window: users signed up and enrolled, one sign-in challenge cookie per verify, codes per step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { generate } from 'otplib';
import { serverNode, serverNodeVersion, stopChild } from './children';
import { load, send, type HttpRequest, type HttpResponse, type LoadResult } from './client';

const repoRoot = resolve(__dirname, '..', '..', '..');
export const peerSource = resolve(repoRoot, '..', 'shared', 'peers', 'better-auth');

const PASSWORD = 'correct-horse-battery-staple-42';
const API = '/api/auth';
const step = () => Math.floor(Date.now() / 30_000);

/** The servers' Node major (`24`): the peer's native module is built for one. */
const serverMajor = () => serverNodeVersion().split('.')[0]!;

/** Where the peer is installed for the servers' Node: `.data/peers/better-auth-node24`. */
export const peerDir = (): string => join(repoRoot, '.data', 'peers', `better-auth-node${serverMajor()}`);

export const peerInstalled = () => existsSync(join(peerDir(), 'node_modules', 'better-auth')) && existsSync(join(peerDir(), 'server.mjs'));

/**
 * Copies the harness's server and lockfile and installs its dependencies (about 2 minutes:
 * better-sqlite3 builds from source). Built by and for the servers' Node, with the headers its own
 * distribution carries (`include/node` beside `bin/`; the `node` package's has them), so node-gyp
 * downloads nothing.
 */
export function installPeer(): void {
  const dir = peerDir();
  mkdirSync(dir, { recursive: true });
  for (const file of ['server.mjs', 'package.json', 'package-lock.json']) copyFileSync(join(peerSource, file), join(dir, file));
  const node = realpathSync(serverNode());
  const env = { ...process.env, PATH: [dirname(node), ...(process.env.PATH ?? '').split(delimiter)].join(delimiter), npm_config_nodedir: headersOf(node, serverMajor()) };
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit', env });
}

/**
 * The folder holding `include/node` for the Node binary `node` of major `major`: beside its `bin/`
 * (an official distribution), or the platform package the `node` package installs it from.
 */
function headersOf(node: string, major: string): string {
  const prefix = dirname(dirname(node));
  const candidates = [prefix, join(prefix, 'node_modules', `node-${process.platform}-${process.arch}`)];
  const found = candidates.find((c) => {
    const version = join(c, 'include', 'node', 'node_version.h');
    return existsSync(version) && new RegExp(`#define NODE_MAJOR_VERSION ${major}\\b`).test(readFileSync(version, 'utf8'));
  });
  if (!found) throw new Error(`No headers of Node ${major} beside ${node} (looked in ${candidates.join(', ')}): the peer's SQLite module cannot be built for it`);
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

export interface PeerServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /**
   * Why the server died before it was stopped, if it did: better-sqlite3 12.11.1 (the harness's pin)
   * on Node 24 can abort in a statement's finalizer during a collection (a CHECK in
   * RemoveEnvironmentCleanupHook: Node 24.19 made ObjectWrap's destructor check for an environment,
   * and a collection run from a background task has none; better-sqlite3 13 no longer uses
   * ObjectWrap). Its windows then end at once instead of sending into a dead port, and the load
   * phase restarts it (index.ts).
   */
  died(): string | undefined;
  stop(): Promise<void>;
}

/** The peer's server on `dbFile`: a new database, or (`fresh` false: a restart) the one it left, its users and challenges kept. */
export async function startPeer(dbFile: string, fresh = true): Promise<PeerServer> {
  if (fresh) for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(dbFile + suffix, { force: true });
  const port = await freePort();
  const child = spawn(serverNode(), ['server.mjs'], {
    cwd: peerDir(),
    env: { ...process.env, PORT: String(port), BACKEND: 'sqlite', DB_FILE: dbFile, MIGRATE: '1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('READY')) ready();
    });
    child.once('exit', (code) => reject(new Error(`the peer server exited (${code}) before it was ready`)));
  });
  let stopping = false;
  let died: string | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) died = `the peer server died (${signal ?? `exit ${code}`})`;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    died: () => died,
    stop: () => {
      stopping = true;
      return stopChild(child, () => child.kill('SIGTERM'), 5_000);
    },
  };
}

function cookie(res: HttpResponse, suffix: string): string | undefined {
  for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
    const pair = line.split(';')[0]!;
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if ((name === suffix || name.endsWith(`.${suffix}`)) && value && !/max-age=0/i.test(line)) return `${name}=${value}`;
  }
  return undefined;
}

export interface PeerUser {
  email: string;
  secret: string;
}

export class PeerClient {
  private agent = new Agent({ keepAlive: true, maxSockets: 8 });
  private base: URL;

  constructor(private server: PeerServer) {
    this.base = new URL(server.url);
  }

  request(path: string, body: unknown, cookieHeader?: string): HttpRequest {
    return { method: 'POST', path: API + path, body, headers: { origin: this.server.url, ...(cookieHeader && { cookie: cookieHeader }) } };
  }

  private async call(path: string, body: unknown, cookieHeader?: string): Promise<HttpResponse> {
    const res = await send(this.agent, this.base, this.request(path, body, cookieHeader));
    if (res.status !== 200) throw new Error(`peer ${path}: ${res.status} ${res.text.slice(0, 200)}`);
    return res;
  }

  /** Sign-up, enable TOTP, verify the first code: what turns 2FA on. */
  async enrol(email: string): Promise<PeerUser> {
    const signedUp = await this.call('/sign-up/email', { email, password: PASSWORD, name: email.split('@')[0] });
    const session = cookie(signedUp, 'session_token');
    const enabled = JSON.parse((await this.call('/two-factor/enable', { password: PASSWORD }, session)).text) as { totpURI: string };
    const secret = new URL(enabled.totpURI).searchParams.get('secret')!;
    await this.call('/two-factor/verify-totp', { code: await generate({ secret, epoch: Date.now() / 1000 }) }, session);
    return { email, secret };
  }

  /** The password step: its answer carries the two_factor challenge cookie. */
  signInRequest = (user: PeerUser) => this.request('/sign-in/email', { email: user.email, password: PASSWORD });

  async challenge(user: PeerUser): Promise<string> {
    const res = await send(this.agent, this.base, this.signInRequest(user));
    const c = cookie(res, 'two_factor');
    if (res.status !== 200 || !c) throw new Error(`peer sign-in: ${res.status} ${res.text.slice(0, 200)}`);
    return c;
  }

  close(): void {
    this.agent.destroy();
  }
}

export const peerVerifyOk = (res: HttpResponse) => res.status === 200 && res.text.includes('"token"');
export const peerSignInOk = (res: HttpResponse) => res.status === 200 && res.text.includes('twoFactorRedirect');

/** Codes of each user for the steps a window may reach (the peer accepts a code again: no single use). */
export async function peerCodes(users: PeerUser[]): Promise<Map<string, Map<number, string>>> {
  const now = step();
  const out = new Map<string, Map<number, string>>();
  for (const u of users) {
    const byStep = new Map<number, string>();
    for (let s = now; s <= now + 2; s++) byStep.set(s, await generate({ secret: u.secret, epoch: s * 30 }));
    out.set(u.email, byStep);
  }
  return out;
}

export async function peerVerifyWindow(
  server: PeerServer,
  client: PeerClient,
  challenges: Array<{ user: PeerUser; cookie: string }>,
  count: number,
  concurrency: number,
  capSeconds: number,
): Promise<LoadResult> {
  const codes = await peerCodes([...new Set(challenges.map((c) => c.user))]);
  return load({
    base: server.url,
    serverPid: server.pid,
    count,
    concurrency,
    capSeconds,
    next: () => {
      if (server.died()) return undefined;
      const c = challenges.shift();
      return c && client.request('/two-factor/verify-totp', { code: codes.get(c.user.email)!.get(step())! }, c.cookie);
    },
    check: peerVerifyOk,
  });
}

if (require.main === module && process.argv.includes('--install')) {
  installPeer();
  console.log(`installed the peer into ${peerDir()}`);
}
