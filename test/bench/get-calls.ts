/**
 * `npx tsx test/bench/get-calls.ts`: DynamoDB calls of one warm request to every GET route that takes
 * a token (an org admin's full token, with an unverified TOTP factor so the secret routes answer),
 * counted as write-calls.ts counts the others. Each includes the session read every token request
 * makes (functions/endpoint.ts), which is what makes a revocation or deactivation immediate.
 */
import './env'; // first: sets the environment before configuration is read
import { startDynamoDbLocal } from '../../infra/local/dynamodb';
import { ensureTable } from '../../infra/local/create-table';

process.env.SCRYPT_LOG_N = '14';

async function main() {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  try {
    await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    const { counter } = await import('./requests');
    const { invoke } = await import('../support/invoke');
    const { accessToken, newOrg } = await import('../support/fixtures');
    const { routeEntries } = await import('../../functions/routes');
    counter.install();
    const keys = routeEntries()
      .filter(([key, route]) => key.startsWith('GET ') && route.access !== 'public')
      .map(([key]) => key);
    const { admin } = await newOrg();
    const token = await accessToken(admin);
    await invoke('PATCH /api/two-factor', { token, body: { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } });
    const rows: Array<{ route: string; calls: string[] }> = [];
    for (const pass of [1, 2]) {
      for (const key of keys) {
        counter.reset();
        const response = await invoke(key, { token, params: { id: admin.userId } });
        const calls = counter.take();
        if (response.status >= 300) throw new Error(`${key}: ${response.status} ${JSON.stringify(response.body)}`);
        if (pass === 2) rows.push({ route: key, calls }); // the first pass warms the process
      }
    }
    const width = Math.max(...rows.map((r) => r.route.length));
    for (const r of rows) console.log(`${r.route.padEnd(width)}  ${String(r.calls.length).padStart(2)}  ${r.calls.join(', ')}`);
  } finally {
    const { resetDb } = await import('../../shared/store/client');
    resetDb();
    await dynamo.stop({ force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
