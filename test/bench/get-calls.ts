/**
 * `npx tsx test/bench/get-calls.ts`: DynamoDB calls of one warm request to every GET route that takes
 * a token (an org admin's full token, with an unverified TOTP factor so the secret routes answer),
 * counted as write-calls.ts counts the others. Each includes the session read every token request
 * makes (functions/endpoint.ts), which is what makes a revocation or deactivation immediate.
 */
import './env'; // first: sets the environment before configuration is read
import { printCallCounts, type CallRow } from './call-count';

printCallCounts(async (counter) => {
  const { invoke } = await import('../support/invoke');
  const { accessToken, newOrg } = await import('../support/fixtures');
  const { routeEntries } = await import('../../functions/routes');
  const keys = routeEntries()
    .filter(([key, route]) => key.startsWith('GET ') && route.access !== 'public')
    .map(([key]) => key);
  const { admin } = await newOrg();
  const token = await accessToken(admin);
  await invoke('PATCH /api/two-factor', { token, body: { method: 'google', secret_key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } });
  const rows: CallRow[] = [];
  for (const pass of [1, 2]) {
    for (const key of keys) {
      counter.reset();
      const response = await invoke(key, { token, params: { id: admin.userId } });
      const calls = counter.take();
      if (response.status >= 300) throw new Error(`${key}: ${response.status} ${JSON.stringify(response.body)}`);
      if (pass === 2) rows.push({ what: key, calls }); // the first pass warms the process
    }
  }
  return rows;
});
