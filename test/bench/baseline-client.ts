/**
 * The baseline's read (baseline.ts) made with the service's own DynamoDB client
 * (shared/store/client.ts: signing and JSON, no SDK) instead of the SDK's document client, built and
 * imported beside it: its row in `npm run bench` is the floor of what any function's cold start
 * costs now, where baseline.ts is the floor the functions had with the SDK.
 */
import { db } from '../../shared/store/client';
import { GetCommand } from '../../shared/store/commands';

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  const result = await db().send(new GetCommand({ TableName: process.env.TABLE_NAME ?? 'twofactor', Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
  return { statusCode: 200, body: JSON.stringify({ found: result.Item !== undefined }) };
};
