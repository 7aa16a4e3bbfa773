/**
 * Starts one DynamoDB Local for the whole run and creates the table from the stack's definition;
 * with TEST_SERVER_MODE=synth, also the synthesized stack the e2e tests then call (support/synth.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable } from '../../infra/local/create-table';
import { startDynamoDbLocal } from '../../infra/local/dynamodb';

export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // As in support/env.ts: the synthesized functions (started here) get the same slow-machine allowance.
  process.env.TIMEOUT_SCALE ??= '10';
  const dynamo = await startDynamoDbLocal({ port: 0 });
  await ensureTable(dynamo.endpoint, 'twofactor-test');
  (globalThis as { __dynamo?: typeof dynamo }).__dynamo = dynamo;
  // Workers start after this and inherit the environment.
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TEST_DYNAMODB_PORT = String(dynamo.port);
  process.env.TEST_DATA_DIR = mkdtempSync(join(tmpdir(), 'twofactor-test-'));
  if (process.env.TEST_SERVER_MODE === 'synth') {
    const { startSynthForTests } = await import('./synth');
    (globalThis as { __synth?: { stop(): Promise<void> } }).__synth = await startSynthForTests({
      dynamoDbEndpoint: dynamo.endpoint,
      tableName: 'twofactor-test',
      dataDir: process.env.TEST_DATA_DIR,
    });
  }
}
