/**
 * `npm start`: DynamoDB Local (in memory, or under .data/ with --persist), the table, a demo org
 * with an admin, a member and a support user on an empty table, and the HTTP API with the
 * self-service page on 127.0.0.1:$PORT.
 */
import { ensureTable } from './create-table';
import { LocalSetupError, startDynamoDbLocal, type LocalDynamoDb } from './dynamodb';
import { applyLocalDefaults, localPorts } from './environment';

async function main() {
  const persist = process.argv.includes('--persist');
  const { port, dynamoDbPort } = localPorts();
  const dynamo: LocalDynamoDb = await startDynamoDbLocal({ port: dynamoDbPort, persistDir: persist ? '.data/dynamodb' : undefined });
  let stopping: Promise<void> | undefined;
  const stop = (code: number) =>
    (stopping ??= dynamo.stop().finally(() => process.exit(code)));
  // Ctrl-C, a supervisor's SIGTERM, a closed terminal's SIGHUP: each stops DynamoDB Local (Java) first.
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
    // Imported after the environment is set: configuration is read once.
    const { seedDemo } = await import('./demo');
    const { startGateway } = await import('./gateway');
    const { buildWeb } = await import('./web-build');
    await buildWeb();
    const { url } = await startGateway(port);
    console.log(`DynamoDB Local: ${dynamo.endpoint} (${persist ? 'persisted in .data/dynamodb' : 'in memory'}), table ${tableName}`);
    await seedDemo();
    console.log(`\nTwo-factor service listening on ${url}\n  health:  ${url}/health\n  OpenAPI: ${url}/openapi.json\n  page:    http://localhost:${port}/\n`);
  } catch (error) {
    console.error(error instanceof LocalSetupError ? `Cannot start: ${error.message}` : error);
    await stop(1);
  }
}

main().catch((error) => {
  console.error(error instanceof LocalSetupError ? `Cannot start: ${error.message}` : error);
  process.exit(1);
});
