/** Creates the table in DynamoDB Local from the same definition the CDK stack uses. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition as t } from '../table';

export async function ensureTable(endpoint: string, tableName: string): Promise<'created' | 'exists'> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [t.partitionKey, t.sortKey, t.gsi1.partitionKey, t.gsi1.sortKey].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: t.gsi1.name,
            KeySchema: [
              { AttributeName: t.gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: t.gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...t.gsi1.projection] },
          },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
      }),
    );
    return 'created';
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    // A table persisted (.data/dynamodb) before it had a stream gets one.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: t.streamViewType } }),
      );
    }
    return 'exists';
  } finally {
    client.destroy();
  }
}
