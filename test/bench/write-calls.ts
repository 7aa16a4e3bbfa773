/**
 * `npx tsx test/bench/write-calls.ts`: DynamoDB calls of one warm request to every non-GET route (the
 * successful call of test/support/write-routes.ts, after its setup has warmed the process), counted
 * with the benchmark's middleware on the handlers' DocumentClient, against a fresh DynamoDB Local.
 */
import './env'; // first: sets the environment before configuration is read
import { printCallCounts, type CallRow } from './call-count';

printCallCounts(async (counter) => {
  const { invoke } = await import('../support/invoke');
  const { testClock } = await import('../support/clock');
  const { writeRoutes } = await import('../support/write-routes');
  const measure = async () => {
    const rows: CallRow[] = [];
    for (const [route, entry] of Object.entries(writeRoutes)) {
      const clock = testClock();
      try {
        const call = await entry.setup(clock);
        counter.reset();
        const response = await invoke(route as keyof typeof writeRoutes, call.options);
        const calls = counter.take();
        if (response.status !== call.status) throw new Error(`${route}: expected ${call.status}, got ${response.status} ${JSON.stringify(response.body)}`);
        rows.push({ what: route, calls });
      } finally {
        clock.restore();
      }
    }
    return rows;
  };
  await measure(); // warms the process (signing key, data key): the second pass is reported
  return measure();
});
