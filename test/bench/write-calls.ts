/**
 * `npx tsx test/bench/write-calls.ts`: DynamoDB calls of one warm request to every non-GET route (the
 * successful call of test/support/write-routes.ts, after its setup has warmed the process), counted
 * with the benchmark's middleware on the handlers' DocumentClient, against a fresh DynamoDB Local.
 */
import './env'; // first: sets the environment before configuration is read
import { startDynamoDbLocal } from '../../infra/local/dynamodb';
import { ensureTable } from '../../infra/local/create-table';

// The fixtures create many users; the call count does not depend on scrypt's cost.
process.env.SCRYPT_LOG_N = '14';

async function main() {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  try {
    await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    const { counter } = await import('./requests');
    const { invoke } = await import('../support/invoke');
    const { testClock } = await import('../support/clock');
    const { writeRoutes } = await import('../support/write-routes');
    counter.install();
    const measure = async () => {
      const rows: Array<{ route: string; calls: string[] }> = [];
      for (const [route, entry] of Object.entries(writeRoutes)) {
        const clock = testClock();
        try {
          const call = await entry.setup(clock);
          counter.reset();
          const response = await invoke(route as keyof typeof writeRoutes, call.options);
          const calls = counter.take();
          if (response.status !== call.status) throw new Error(`${route}: expected ${call.status}, got ${response.status} ${JSON.stringify(response.body)}`);
          rows.push({ route, calls });
        } finally {
          clock.restore();
        }
      }
      return rows;
    };
    await measure(); // warms the process (signing key, data key): the second pass is reported
    const rows = await measure();
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
