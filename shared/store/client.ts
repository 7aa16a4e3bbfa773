/**
 * The single-table DynamoDB client: one per process, built from config. A command (./commands.ts)
 * goes to DynamoDB's JSON API through ./aws-client.ts (signing, timeouts, retries, budget), its
 * document values marshalled both ways by ./document.ts.
 */
import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { AwsClient, bytesAsBase64, targetOf, type ClientTarget } from './aws-client';
import { policyOf } from './aws-policy';
import type { Command, Operation } from './commands';
import { marshalInput, parseResponse, unmarshalOutput } from './document';

export class DynamoDb extends AwsClient {
  constructor(target: ClientTarget) {
    super({
      ...target,
      service: 'dynamodb',
      route: (operation) => ({ path: '/', target: `DynamoDB_20120810.${operation}` }),
      contentType: 'application/x-amz-json-1.0',
      encode: (operation, input) => {
        // The SDK's idempotency token: a retried transaction that had succeeded is not applied twice.
        const withToken = operation === 'TransactWriteItems' && input.ClientRequestToken === undefined ? { ...input, ClientRequestToken: randomUUID() } : input;
        return JSON.stringify(marshalInput(operation as Operation, withToken), bytesAsBase64);
      },
      decode: (operation, body) => unmarshalOutput(operation as Operation, parseResponse(body)),
    });
  }

  send<I extends object, O extends object>(command: Command<I, O>): Promise<O> {
    return this.call(command.operation, command.input as Record<string, unknown>) as Promise<O>;
  }
}

let client: DynamoDb | undefined;

export function db(): DynamoDb {
  if (!client) {
    const { AWS_REGION: region, DYNAMODB_ENDPOINT } = config();
    client = new DynamoDb(
      DYNAMODB_ENDPOINT
        ? // DynamoDB Local, which accepts any credentials.
          { region, endpoint: new URL(DYNAMODB_ENDPOINT), credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, policy: policyOf('dynamodb') }
        : targetOf('dynamodb'),
    );
  }
  return client;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

/** For tests and the local runner after they change the configuration. */
export function resetDb(): void {
  client?.destroy();
  client = undefined;
}
