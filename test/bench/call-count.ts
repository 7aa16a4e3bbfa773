/**
 * The frame every `*-calls.ts` script shares: a fresh DynamoDB Local with the table, the benchmark's
 * call counter on the handlers' DocumentClient, the script's rows printed as `what  n  calls`, and
 * everything stopped again. Import './env' before this module (it sets the environment).
 */
import { startDynamoDbLocal } from '../../infra/local/dynamodb';
import { ensureTable } from '../../infra/local/create-table';

export interface CallRow {
  what: string;
  calls: string[];
}

type Counter = (typeof import('./requests'))['counter'];

// The fixtures create many users; the call count does not depend on scrypt's cost.
process.env.SCRYPT_LOG_N = '14';

/** Runs `measure` against a fresh table with the counter installed, and prints the rows it answers. */
export function printCallCounts(measure: (counter: Counter) => Promise<CallRow[]>): void {
  run(measure).catch((error: Error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

async function run(measure: (counter: Counter) => Promise<CallRow[]>): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  try {
    await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    // Loaded only now: the handlers' client reads DYNAMODB_ENDPOINT when first built.
    const { counter } = await import('./requests');
    counter.install();
    const rows = await measure(counter);
    const width = Math.max(...rows.map((r) => r.what.length));
    for (const r of rows) console.log(`${r.what.padEnd(width)}  ${String(r.calls.length).padStart(2)}  ${r.calls.join(', ')}`);
  } finally {
    const { resetDb } = await import('../../shared/store/client');
    resetDb();
    await dynamo.stop({ force: true });
  }
}
