/**
 * The baseline's read (baseline.ts) written with aws-lite (@aws-lite/client and its DynamoDB plugin)
 * instead of the SDK, built and imported beside it: its row in `npm run bench` is what that client
 * would cost every cold start. A bench variant only; the service uses the SDK.
 */
import awsLite from '@aws-lite/client';
import dynamodb from '@aws-lite/dynamodb';

type GetItem = (input: { TableName: string; Key: Record<string, string> }) => Promise<{ Item?: unknown }>;

let client: Promise<{ DynamoDB: { GetItem: GetItem } }> | undefined;

export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  // The plugin's method types are a package of their own: the one method used here.
  client ??= awsLite({ plugins: [dynamodb] }) as unknown as NonNullable<typeof client>;
  const result = await (await client).DynamoDB.GetItem({ TableName: process.env.TABLE_NAME ?? 'twofactor', Key: { pk: 'HEALTH', sk: 'HEALTH' } });
  return { statusCode: 200, body: JSON.stringify({ found: result.Item !== undefined }) };
};
