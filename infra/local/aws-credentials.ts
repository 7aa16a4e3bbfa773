/**
 * The operator's scripts with `--aws` (bootstrap, import, export, rotate-signing-key) run the
 * service's own code against a deployed table. Its DynamoDB client reads credentials from the
 * environment only, as Lambda gives them; this puts the SDK's default chain's there first (a profile,
 * SSO, a role), so the scripts work wherever the AWS CLI does.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';

export async function useDefaultCredentials(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return;
  const { accessKeyId, secretAccessKey, sessionToken } = await defaultProvider()();
  Object.assign(env, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
  if (sessionToken) env.AWS_SESSION_TOKEN = sessionToken;
}
