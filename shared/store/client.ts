/** The single-table DynamoDB client: one DocumentClient per process, built from config. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { clientOptions, harden } from './aws-clients';

let client: DynamoDBDocumentClient | undefined;

export function db(): DynamoDBDocumentClient {
  if (!client) {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    const base = new DynamoDBClient({
      ...clientOptions('dynamodb'),
      region: AWS_REGION,
      ...(DYNAMODB_ENDPOINT && {
        endpoint: DYNAMODB_ENDPOINT,
        // DynamoDB Local accepts any credentials; these keep the SDK from looking for real ones.
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    });
    client = DynamoDBDocumentClient.from(harden(base, 'dynamodb'), { marshallOptions: { removeUndefinedValues: true } });
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
