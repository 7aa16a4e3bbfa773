/**
 * `npm start` as a newcomer runs it: its own DynamoDB Local, the table, the demo users printed, the
 * API answering. Ports come from PORT and DYNAMODB_PORT; a taken port is a clear error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
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

/** True when nothing listens on the port (127.0.0.1) any more. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** True while any process of the group is alive (`kill(-pgid, 0)`). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
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

  // `npm start` runs package.json's start script through `sh -c` with node_modules/.bin on the PATH;
  // the signal goes to that process (what npm forwards, what a supervisor or a closed terminal
  // sends), started in its own process group so that the test sees every descendant (Java too).
  // Before, `sh` swallowed SIGINT and died on SIGTERM/SIGHUP, leaving tsx, node and Java running.
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s to the process npm start starts stops DynamoDB Local and the API and frees both ports within 5 s',
    async (signal) => {
      const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start as string;
      const [port, dynamoDbPort] = [await freePort(), await freePort()];
      const { DYNAMODB_ENDPOINT: _e, TABLE_NAME: _t, DATA_KEY_FILE: _d, TOKEN_ISSUER: _i, ...inherited } = process.env;
      const child = spawn('sh', ['-c', script], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...inherited,
          PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
          PORT: String(port),
          DYNAMODB_PORT: String(dynamoDbPort),
          SCRYPT_LOG_N: '14',
          LOG_LEVEL: 'WARN',
          DATA_KEY_FILE: join(mkdtempSync(join(tmpdir(), 'key-')), 'data-key'),
        },
      });
      let output = '';
      child.stdout!.on('data', (c) => (output += c));
      child.stderr!.on('data', (c) => (output += c));
      const pgid = child.pid!;
      try {
        await waitFor(() => output.includes('listening on'), 60_000);
        const sent = Date.now();
        child.kill(signal);
        await waitFor(() => !groupAlive(pgid), 5_000).catch(() => undefined);
        const stopped = { group: !groupAlive(pgid), api: await portFree(port), dynamoDb: await portFree(dynamoDbPort) };
        expect({ ...stopped, withinMs: Date.now() - sent <= 5_500 }).toEqual({ group: true, api: true, dynamoDb: true, withinMs: true });
      } finally {
        if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      }
    },
    90_000,
  );

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
