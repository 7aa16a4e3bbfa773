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
    // DynamoDB Local on a loaded machine (the preparation's calls): ×10 as the tests have it.
    // timeoutScale raises it for the server.
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

/**
 * The server's TIMEOUT_SCALE (budgets, AWS timeouts and the invocation's time, server.ts): one
 * process serves every concurrent request here, so the c=16 password window queues sixteen scrypt
 * hashes for this machine's cores, where Lambda gives each login an instance of its own and the
 * product's budget holds. The password budget is made to outlast sixteen hashes on one core four
 * times over (on a shared machine the last of sixteen waited 35 single-core hashes), so the window
 * measures that queue instead of answering 503.
 */
export async function timeoutScale(hashMs: number, concurrency: number, current: number): Promise<number> {
  const { BUDGETS } = await import('../../../functions/routes');
  return Math.max(current, Math.ceil((4 * concurrency * hashMs) / BUDGETS.password));
}
