/**
 * `npm start` as a newcomer runs it: its own DynamoDB Local, the table, the demo users printed, the
 * API answering. Ports come from PORT and DYNAMODB_PORT; a taken port is a clear error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const { DYNAMODB_ENDPOINT: _e, TABLE_NAME: _t, DATA_KEY_FILE: _d, TOKEN_ISSUER: _i, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'infra/local/start.ts'], {
    cwd: root,
    env: { ...inherited, SCRYPT_LOG_N: '14', LOG_LEVEL: 'WARN', DATA_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'key-')), 'data-key'), ...env },
  });
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor(predicate: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  it('starts DynamoDB Local, seeds the demo users and serves the API; the printed password logs in', async () => {
    const port = await freePort();
    const run = start({ PORT: String(port), DYNAMODB_PORT: String(await freePort()) });
    try {
      await waitFor(() => run.output().includes('listening on'), 60_000);
      const base = `http://127.0.0.1:${port}`;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
      expect((await (await fetch(`${base}/openapi.json`)).json()).openapi).toBe('3.1.0');
      const password = /admin@demo\.test\s+password: (\S+)/.exec(run.output())![1];
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@demo.test', password }),
      });
      expect(login.status).toBe(200);
    } finally {
      run.child.kill('SIGINT');
      await run.exited;
    }
  }, 90_000);

  it('exits with a clear message when the port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const taken = (blocker.address() as { port: number }).port;
    const run = start({ PORT: '0', DYNAMODB_PORT: String(taken) });
    const code = await run.exited;
    blocker.close();
    expect(code).toBe(1);
    expect(run.output()).toContain(`Port ${taken} (DynamoDB Local, set DYNAMODB_PORT) is already in use`);
  }, 60_000);

  it('exits with a clear message when Java is missing', async () => {
    const run = start({ PORT: '0', DYNAMODB_PORT: '0', PATH: '/nonexistent' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Java was not found. DynamoDB Local needs a Java 17+ runtime');
  }, 60_000);
});
