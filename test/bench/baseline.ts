/**
 * The benchmark's floor: a handler that only reads one item with the DynamoDB DocumentClient.
 * Bundled with the same esbuild options as the functions; their import times are reported as a
 * ratio to this one. Like shared/store/client.ts, the client is built on first use, not at import.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

let client: DynamoDBDocumentClient | undefined;

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const result = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME ?? 'twofactor', Key: { pk: 'HEALTH', sk: 'HEALTH' } }),
  );
  return { statusCode: 200, body: JSON.stringify({ found: result.Item !== undefined }) };
};
