/**
 * `npm run soak`: mixed traffic against the local server (loopback only) for a bounded time and
 * number of requests, then a report: throughput, p50/p99 per minute, every non-2xx by cause, the
 * server's memory at start and end. Not part of `npm test`.
 *
 * Traffic per worker (each has its own users): password logins, 2FA logins by TOTP (once per
 * 30 s step and user, as codes are single-use), security key, SMS (the code read from the
 * outbox), refreshes, policy reads (admin), enrolment starts (a new TOTP secret).
 *
 * Knobs: SOAK_SECONDS (600), SOAK_MAX_REQUESTS (unbounded), SOAK_CONCURRENCY (32),
 * SOAK_SCRYPT_LOG_N (14), and the server's FAULT_* (infra/local/faults.ts) to soak under faults.
 * JSON results: test/soak/results.json.
 */
import { fork } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'otplib';
import { SoftAuthenticator } from '../support/soft-authenticator';
import { percentile } from '../bench/stats';

interface User {
  email: string;
  password: string;
}
interface Ready {
  type: 'ready';
  url: string;
  admin: User;
  users: Array<Record<'password' | 'totp' | 'key' | 'sms', User>>;
  outbox: string;
}

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
};
const seconds = num('SOAK_SECONDS', 600);
const maxRequests = num('SOAK_MAX_REQUESTS', Infinity);
const concurrency = num('SOAK_CONCURRENCY', 32);

const log = (message: string) => process.stderr.write(`[soak] ${message}\n`);

/** Per minute: latencies (ms) and counts; all minutes: non-2xx by cause. */
const minutes: Array<{ latencies: number[]; count: number }> = [];
const failures = new Map<string, number>();
let started = 0;
let sent = 0;
let measuring = false;

async function request(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const t0 = performance.now();
  const response = await fetch(base + path, {
    method,
    headers: { ...(options.body !== undefined && { 'content-type': 'application/json' }), ...(options.token && { authorization: `Bearer ${options.token}` }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const ms = performance.now() - t0;
  const body = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  if (measuring) {
    sent++;
    const minute = Math.floor((Date.now() - started) / 60_000);
    const bucket = (minutes[minute] ??= { latencies: [], count: 0 });
    bucket.latencies.push(ms);
    bucket.count++;
    if (response.status >= 300) {
      const cause = `${response.status} ${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{n}')} ${body?.code ?? ''}`.trim();
      failures.set(cause, (failures.get(cause) ?? 0) + 1);
    }
  }
  return { status: response.status, body };
}

async function lastCode(outbox: string, to: string): Promise<string> {
  const lines = (await readFile(outbox, 'utf8')).trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = JSON.parse(lines[i]!) as { to: string; message: string };
    if (m.to === to) return /\b(\d{6})\b/.exec(m.message)![1]!;
  }
  throw new Error(`no SMS to ${to}`);
}

const step = () => Math.floor(Date.now() / 30_000);

class Worker {
  private secret = '';
  private lastStep = 0;
  private key = new SoftAuthenticator('http://localhost:3000');
  private phone = '';
  private refreshToken = '';

  constructor(
    private readonly base: string,
    private readonly users: Ready['users'][number],
    private readonly adminToken: () => string,
    private readonly outbox: string,
    private readonly index: number,
  ) {}

  private async pending(user: User): Promise<string> {
    const r = await request(this.base, 'POST', '/api/auth/login', { body: user });
    return r.body.pendingToken ?? r.body.accessToken;
  }

  private async full(user: User): Promise<string> {
    return (await request(this.base, 'POST', '/api/auth/login', { body: user })).body.accessToken;
  }

  /** Setup steps must succeed: retried (a busy machine answers 503 now and then). */
  private async must(method: string, path: string, options: { token?: string; body?: unknown | (() => Promise<unknown>) } = {}) {
    for (let i = 0; ; i++) {
      const body = typeof options.body === 'function' ? await (options.body as () => Promise<unknown>)() : options.body;
      const r = await request(this.base, method, path, { token: options.token, body });
      if (r.status < 300) return r;
      log(`setup: ${method} ${path} answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      if (i >= 10) throw new Error(`setup failed: ${method} ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  async setup(): Promise<void> {
    const { totp, key, sms } = this.users;
    let token = (await this.must('POST', '/api/auth/login', { body: totp })).body.accessToken;
    const qr = await this.must('GET', '/2fa/generate-qr', { token });
    this.secret = new URL(qr.body.link).searchParams.get('secret')!;
    this.lastStep = step();
    await this.must('POST', '/2fa/enable-two-factor-auth', { token, body: async () => ({ code: await generate({ secret: this.secret }) }) });
    token = (await this.must('POST', '/api/auth/login', { body: key })).body.accessToken;
    const options = await this.must('POST', '/api/two-factor/webauthn/register/options', { token });
    await this.must('POST', '/api/two-factor/webauthn/register', { token, body: { response: this.key.register(options.body), name: 'soak' } });
    token = (await this.must('POST', '/api/auth/login', { body: sms })).body.accessToken;
    this.phone = `26${String(100000 + this.index).padStart(6, '0')}`;
    await this.must('PATCH', '/api/two-factor', { token, body: { method: 'sms', phone_prefix: 45, phone: this.phone } });
    await this.must('POST', '/api/two-factor/send-verification', { token });
    await this.must('POST', '/api/two-factor/verify', { token, body: async () => ({ key: await lastCode(this.outbox, `+45${this.phone}`) }) });
    await this.keyLogin();
  }

  private async keyLogin(): Promise<void> {
    const pending = await this.pending(this.users.key);
    const options = await request(this.base, 'POST', '/2fa/webauthn/options', { token: pending });
    const done = await request(this.base, 'POST', '/2fa/authenticate', { token: pending, body: { webauthn: this.key.authenticate(options.body) } });
    if (done.body.refreshToken) this.refreshToken = done.body.refreshToken;
  }

  private async totpLogin(): Promise<void> {
    if (step() === this.lastStep) return this.keyLogin(); // this step's code is spent
    this.lastStep = step();
    const pending = await this.pending(this.users.totp);
    await request(this.base, 'POST', '/2fa/authenticate', { token: pending, body: { code: await generate({ secret: this.secret }) } });
  }

  private async smsLogin(): Promise<void> {
    const pending = await this.pending(this.users.sms);
    const sent = await request(this.base, 'POST', '/api/two-factor/send-verification', { token: pending });
    if (sent.status !== 204) return;
    await request(this.base, 'POST', '/2fa/authenticate', { token: pending, body: { code: await lastCode(this.outbox, `+45${this.phone}`) } });
  }

  private async refresh(): Promise<void> {
    if (!this.refreshToken) return this.keyLogin();
    const r = await request(this.base, 'POST', '/api/auth/refresh', { body: { refreshToken: this.refreshToken } });
    this.refreshToken = r.body.refreshToken ?? '';
  }

  /** One scenario, chosen by weight. */
  async once(): Promise<void> {
    const roll = Math.random() * 100;
    if (roll < 20) await this.full(this.users.password);
    else if (roll < 30) await this.totpLogin();
    else if (roll < 50) await this.keyLogin();
    else if (roll < 55) await this.smsLogin();
    else if (roll < 75) await this.refresh();
    else if (roll < 93) await request(this.base, 'GET', '/api/settings/twofactor', { token: this.adminToken() });
    else await request(this.base, 'GET', '/2fa/generate-qr', { token: await this.full(this.users.password) });
  }
}

async function main(): Promise<void> {
  const server = fork(join(__dirname, 'server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, SOAK_USERS: String(concurrency) } });
  process.on('exit', () => server.kill()); // the server stops its DynamoDB Local on SIGTERM
  const ready = await new Promise<Ready>((resolve, reject) => {
    server.once('message', (m) => resolve(m as Ready));
    server.once('exit', (code) => reject(new Error(`the soak server exited (${code})`)));
  });
  const memory = () =>
    new Promise<NodeJS.MemoryUsage>((resolve) => {
      server.once('message', (m: { usage: NodeJS.MemoryUsage }) => resolve(m.usage));
      server.send({ type: 'memory' });
    });
  const base = ready.url;
  if (!/^http:\/\/127\.0\.0\.1:/.test(base)) throw new Error('the soak runs against loopback only');
  log(`server ${base}; setting up ${concurrency} workers`);
  let adminToken = (await request(base, 'POST', '/api/auth/login', { body: ready.admin })).body.accessToken as string;
  await request(base, 'POST', '/api/settings/twofactor/sms', { token: adminToken }); // 204, or 409 when already allowed
  const workers = ready.users.map((users, i) => new Worker(base, users, () => adminToken, ready.outbox, i));
  await Promise.all(workers.map((w) => w.setup()));
  const adminRenewal = setInterval(() => {
    void request(base, 'POST', '/api/auth/login', { body: ready.admin }).then((r) => (adminToken = r.body.accessToken ?? adminToken));
  }, 5 * 60_000);

  const memStart = await memory();
  log(`running for ${seconds} s (at most ${maxRequests} requests) at concurrency ${concurrency}`);
  started = Date.now();
  measuring = true;
  const deadline = started + seconds * 1000;
  const memByMinute: number[] = [];
  const sampler = setInterval(() => void memory().then((m) => memByMinute.push(Math.round(m.rss / 2 ** 20))), 60_000);
  await Promise.all(
    workers.map(async (w) => {
      while (Date.now() < deadline && sent < maxRequests) {
        try {
          await w.once();
        } catch (error) {
          failures.set(`client error: ${(error as Error).message}`, (failures.get(`client error: ${(error as Error).message}`) ?? 0) + 1);
        }
      }
    }),
  );
  measuring = false;
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(sampler);
  clearInterval(adminRenewal);
  const memEnd = await memory();
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.send({ type: 'stop' });
  await exited;

  const perMinute = minutes.map((m, i) => {
    const sorted = [...m.latencies].sort((a, b) => a - b);
    return { minute: i + 1, requests: m.count, perSecond: Number((m.count / 60).toFixed(1)), p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)) };
  });
  const mb = (b: number) => Math.round(b / 2 ** 20);
  const results = {
    seconds: Number(elapsed.toFixed(1)),
    concurrency,
    requests: sent,
    throughputPerSecond: Number((sent / elapsed).toFixed(1)),
    perMinute,
    non2xx: Object.fromEntries([...failures].sort((a, b) => b[1] - a[1])),
    fiveXx: [...failures].filter(([cause]) => cause.startsWith('5')).reduce((n, [, c]) => n + c, 0),
    serverMemoryMb: { start: { rss: mb(memStart.rss), heapUsed: mb(memStart.heapUsed) }, end: { rss: mb(memEnd.rss), heapUsed: mb(memEnd.heapUsed) }, rssByMinute: memByMinute },
  };
  await writeFile(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.table(perMinute);
  console.log(JSON.stringify(results, null, 2));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
