/**
 * TEST_SERVER_MODE=synth: the e2e tests run against the synthesized stack (infra/local/synth),
 * started once for the run in jest's global setup. The WebAuthn origin the template names is
 * http://localhost:3000 (the same context `npm start -- --synth` uses, so the assembly is shared);
 * the browser reaches the server on its free port through it as an HTTP proxy (browser.ts).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { localContext, synthesize } from '../../infra/local/synth/synthesize';
import { startSynthServer, type SynthServer } from '../../infra/local/synth/server';
import { OutboxEmailSender } from '../../shared/adapters/email-sender';
import { OutboxSmsSender } from '../../shared/adapters/sms-sender';

const root = join(__dirname, '..', '..');

/** The context the tests synthesize with: `npm start -- --synth`'s, so the two share one assembly. */
export const testContext = () => localContext(3000);

export async function startSynthForTests(options: { dynamoDbEndpoint: string; tableName: string; dataDir: string }): Promise<SynthServer> {
  const { dir, cached } = await synthesize(testContext(), { cacheDir: join(root, '.data', 'synth'), log: (line) => console.log(`\n${line}`) });
  if (cached) console.log(`\nUsing the synthesized assembly ${dir}`);
  const { buildWeb } = await import('../../infra/local/web-build');
  await buildWeb();
  const logFile = join(root, 'test-artifacts', 'synth-functions.log');
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  writeFileSync(logFile, '');
  const outbox = new OutboxSmsSender(join(options.dataDir, 'sms-outbox.jsonl'), false);
  // The workers' EMAIL_OUTBOX_FILE (support/env.ts): what the SES stand-in delivers, the tests read.
  const mailbox = new OutboxEmailSender(join(options.dataDir, 'email-outbox.jsonl'), false);
  const server = await startSynthServer({
    port: 0,
    assemblyDir: dir,
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    tableName: options.tableName,
    kmsSecretFile: join(options.dataDir, 'kms-root-secret'),
    deliverSms: (to, message) => outbox.send(to, message),
    deliverEmail: (message) => mailbox.send(message),
    callsFile: join(options.dataDir, 'aws-calls.jsonl'),
    functionLog: (id, line) => appendFileSync(logFile, `[${id}] ${line}\n`),
    // The template leaves scrypt at its production cost (2^17, seconds per hash on a busy 2-core
    // machine, and every browser sign-in hashes). 2^15 keeps it one step above the fixtures' 2^14
    // (support/env.ts), so each test user's first login still upgrades its hash, a write the IAM
    // test judges.
    testEnvironment: { SCRYPT_LOG_N: '15' },
  });
  const proxy = await startProxyTo(new URL(server.url));
  // Workers start after this and inherit the environment.
  Object.assign(process.env, {
    TEST_SYNTH_URL: server.url,
    TEST_SYNTH_PROXY: proxy.url,
    TEST_ASSEMBLY_DIR: dir,
    TEST_AWS_CALLS_FILE: join(options.dataDir, 'aws-calls.jsonl'),
    TEST_KMS_KEY_ID: server.kmsKeyId ?? '',
    TEST_KMS_ENDPOINT: server.endpoints.kms,
  });
  // As `npm start -- --synth`: the table's stream followed, each security event handed to the
  // synthesized notifier as its EventBridge rule would (so the IAM test judges its calls too).
  const { followSecurityEvents } = await import('../../infra/local/security-event-follower');
  const follower = await followSecurityEvents({
    endpoint: options.dynamoDbEndpoint,
    tableName: options.tableName,
    file: join(options.dataDir, 'events.jsonl'),
    notify: (event) => server.deliverEvent(event),
    log: (line) => appendFileSync(logFile, `[security events] ${line}\n`),
  });
  return {
    ...server,
    stop: async () => {
      await follower.stop();
      await proxy.close();
      await server.stop();
    },
  };
}

/**
 * An HTTP proxy that sends every request, whatever its host, to the server: the browser then loads
 * http://localhost:3000 (the origin the template names) from the server on its free port.
 * Playwright's own requests tunnel through CONNECT; Chromium's use absolute URLs.
 */
async function startProxyTo(target: URL): Promise<{ url: string; close(): Promise<void> }> {
  const proxy = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: url.pathname + url.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  proxy.on('connect', (_req, socket, head) => {
    const upstream = connect(Number(target.port), target.hostname, () => {
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  // Tunnels leave the server's bookkeeping (closeAllConnections misses them): end them by hand.
  const sockets = new Set<Socket>();
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    close: () =>
      new Promise((resolve) => {
        proxy.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
