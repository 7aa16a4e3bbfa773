/**
 * `npm start`: DynamoDB Local (in memory, or under .data/ with --persist), the table, a demo org
 * with an admin, a member and a support user on an empty table, and the HTTP API with the
 * self-service page on 127.0.0.1:$PORT.
 *
 * `npm start -- --synth`: the same, but the API is the synthesized stack (infra/local/synth): every
 * route of the template served by its function's bundle, each in its own process, with KMS and SNS
 * stand-ins and DynamoDB Local behind the SDK's endpoint variables.
 *
 * Either way, the security events (the EventBridge Pipe's, from DynamoDB Local's stream) are appended
 * to SECURITY_EVENTS_FILE (default .data/events.jsonl) and handed to the security notifier, whose
 * emails go to the outbox.
 */
import { ensureTable } from './create-table';
import { LocalSetupError, reservePort, startDynamoDbLocal, type LocalDynamoDb } from './dynamodb';
import { applyLocalDefaults, localPorts } from './environment';
import type { SecurityEvent } from '../security-events';

async function main() {
  const persist = process.argv.includes('--persist');
  const synth = process.argv.includes('--synth');
  const { port, dynamoDbPort } = localPorts();
  const dynamo: LocalDynamoDb = await startDynamoDbLocal({ port: dynamoDbPort, persistDir: persist ? '.data/dynamodb' : undefined });
  let synthServer: { stop(): Promise<void>; deliverEvent(event: SecurityEvent): Promise<void> } | undefined;
  let follower: { stop(): Promise<void> } | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      await synthServer?.stop();
      await follower?.stop();
      await dynamo.stop();
    })().finally(() => process.exit(code)));
  // Ctrl-C, a supervisor's SIGTERM, a closed terminal's SIGHUP: each stops the function processes
  // (--synth) and DynamoDB Local (Java) first.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // npm runs the script through `sh -c` (package.json `exec`s node so signals reach us); should
  // whatever started us die without passing a signal on, we stop too rather than keep the ports.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 200).unref();
  try {
    applyLocalDefaults(port, dynamo.endpoint);
    const tableName = process.env.TABLE_NAME!;
    await ensureTable(dynamo.endpoint, tableName);
    const eventsFile = process.env.SECURITY_EVENTS_FILE ?? '.data/events.jsonl';
    const { followSecurityEvents } = await import('./security-event-follower');
    // The rule's target in AWS: the security notifier, here in this process (README: Security notifications).
    // With --synth, the synthesized notifier function, invoked as its EventBridge rule would.
    const { handler: inProcess } = await import('../../functions/events/security-notification');
    const notify = async (event: SecurityEvent) => (synthServer ? synthServer.deliverEvent(event) : inProcess(event));
    follower = await followSecurityEvents({ endpoint: dynamo.endpoint, tableName, file: eventsFile, log: console.error, notify });
    let url: string;
    if (synth) {
      const server = await startSynth(port, dynamo.endpoint, tableName);
      synthServer = server;
      url = server.url;
    } else {
      await (await import('./web-build')).buildWeb();
      url = (await (await import('./gateway')).startGateway(port)).url;
    }
    // Imported after the environment is set: configuration is read once.
    const { seedDemo } = await import('./demo');
    console.log(`DynamoDB Local: ${dynamo.endpoint} (${persist ? 'persisted in .data/dynamodb' : 'in memory'}), table ${tableName}`);
    await seedDemo();
    const { faultSpecFromEnv, installFaults } = await import('./faults');
    const faults = faultSpecFromEnv();
    if (faults && synth) console.log('FAULT_* ignored: the synthesized functions run as deployed, without fault injection');
    else if (faults) {
      await installFaults(faults); // after seeding: the demo users exist whatever the rate
      console.log(`Injecting faults: ${JSON.stringify(faults)}`);
    }
    console.log(`\nTwo-factor service listening on ${url}\n  health:  ${url}/health\n  OpenAPI: ${url}/openapi.json\n  page:    http://localhost:${port}/\n  security events: ${eventsFile}\n`);
  } catch (error) {
    console.error(error instanceof LocalSetupError ? `Cannot start: ${error.message}` : error);
    await stop(1);
  }
}

/**
 * Synthesizes the stack for this origin (or reuses the assembly of unchanged sources) and serves
 * it. The demo seeding in this process then uses the same KMS stand-in for the data key as the
 * functions, so both read the one wrapped key in the table.
 */
async function startSynth(port: number, dynamoDbEndpoint: string, tableName: string) {
  const { localContext, synthesize } = await import('./synth/synthesize');
  const { startSynthServer } = await import('./synth/server');
  const { OutboxSmsSender } = await import('../../shared/adapters/sms-sender');
  const { buildWeb } = await import('./web-build');
  // A taken port is an error before the synth, not after it.
  await reservePort(port, 'the local API, set PORT');
  const started = Date.now();
  const { dir, cached } = await synthesize(localContext(port), { cacheDir: '.data/synth', log: console.log });
  console.log(`${cached ? 'Reusing the assembly of unchanged sources' : `Synthesized in ${Math.round((Date.now() - started) / 1000)} s`}: ${dir}`);
  await buildWeb();
  const outbox = new OutboxSmsSender(process.env.SMS_OUTBOX_FILE ?? '.data/sms-outbox.jsonl', process.env.SMS_OUTBOX_PRINT !== 'false');
  const server = await startSynthServer({
    port,
    assemblyDir: dir,
    dynamoDbEndpoint,
    tableName,
    kmsSecretFile: '.data/kms-local-root-key',
    deliverSms: (to, message) => outbox.send(to, message),
  });
  Object.assign(process.env, {
    DATA_KEY_SOURCE: 'kms',
    KMS_KEY_ID: server.kmsKeyId,
    AWS_ENDPOINT_URL_KMS: server.endpoints.kms,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local-setup',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  const { routes, functions } = server.assembly;
  console.log(`Serving ${routes.length} routes of the template with ${functions.size} functions, each in its own process on Node ${server.nodeVersion} (started on first request)`);
  return server;
}

main().catch((error) => {
  console.error(error instanceof LocalSetupError ? `Cannot start: ${error.message}` : error);
  process.exit(1);
});
