/** What the load benchmark's children share: one table, one data key file, one token issuer; and the memory the route table gives the two steps. */
import { join } from 'node:path';

export function loadEnvironment(tmp: string, dynamoEndpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DYNAMODB_ENDPOINT: dynamoEndpoint,
    TABLE_NAME: 'twofactor-load',
    DATA_KEY_SOURCE: 'file',
    DATA_KEY_FILE: join(tmp, 'load-data-key'),
    TOKEN_ISSUER: 'http://load-bench.local',
    LOG_LEVEL: 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    // One process serves every concurrent request here: sixteen scrypt logins queue for this
    // machine's cores for seconds (the hash times sixteen over the cores), where Lambda gives each
    // its own instance and the product's budget (5 s) holds. Budgets, AWS timeouts and the
    // invocation's time (server.ts) ×10 let the c=16 window measure that queue instead of 503s; the
    // preparation's DynamoDB Local calls need the headroom too.
    TIMEOUT_SCALE: process.env.TIMEOUT_SCALE ?? '10',
  };
  delete env.SCRYPT_LOG_N; // the production cost, whatever the shell says
  return env;
}

/** Lambda memory of the two steps' functions, as the route table sets it (256 MB unless it says). */
export async function loadMemory(): Promise<{ verifyMb: number; loginMb: number }> {
  const { routes } = await import('../../../functions/routes');
  const memoryOf = (key: keyof typeof routes) => (routes[key] as { memoryMb?: number }).memoryMb ?? 256;
  return { verifyMb: memoryOf('POST /2fa/authenticate'), loginMb: memoryOf('POST /api/auth/login') };
}
