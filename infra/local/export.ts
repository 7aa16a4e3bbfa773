/**
 * `npm run export -- --org N [--include-secrets] [--aws] > users.jsonl`
 * Writes an org's users as the rows `npm run import` reads (README: Moving out). TOTP secrets and
 * password hashes only with --include-secrets, and the export is audited either way. An operator's
 * command with the deployment's own credentials: there is no API route for it.
 */
import { useDefaultCredentials } from './aws-credentials';
import { parseArgs } from 'node:util';
import { localPorts } from './environment';

const usage = 'usage: npm run export -- --org <id> [--include-secrets] [--aws] > users.jsonl';

async function main() {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      'include-secrets': { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
    },
  });
  const orgId = Number(values.org);
  if (!Number.isSafeInteger(orgId) || orgId <= 0) {
    console.error(usage);
    process.exit(2);
  }
  if (!values.aws) process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${localPorts().dynamoDbPort}`;
  else await useDefaultCredentials();
  const { exportOrg } = await import('../../shared/identity/export');
  const { cliActor } = await import('../../shared/audit/events');
  let count = 0;
  for await (const row of exportOrg(orgId, { includeSecrets: values['include-secrets'] }, cliActor('export'))) {
    process.stdout.write(JSON.stringify(row) + '\n');
    count += 1;
  }
  console.error(`Exported ${count} users of org ${orgId}${values['include-secrets'] ? ' with their secrets' : ''}`);
}

main().catch((error: Error) => {
  const reason = error.name === 'ResourceNotFoundException' ? 'the table does not exist (is `npm start` running?)' : error.message;
  console.error(`export failed: ${reason}`);
  process.exit(1);
});
