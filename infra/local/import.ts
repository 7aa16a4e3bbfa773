/**
 * `npm run import -- --file users.jsonl --org N [--dry-run] [--json] [--aws]`
 * Imports users into an org from one JSON object per line (README: Moving in) and prints every row's
 * outcome: created, unchanged (the email exists in this org: re-running a file changes nothing) or
 * refused and why. Rows are read as a stream, so the file's size is bounded by nothing but time.
 * Targets the running local table; `--aws` uses the environment's AWS credentials, region,
 * TABLE_NAME and, for TOTP secrets, DATA_KEY_SOURCE=kms with KMS_KEY_ID.
 */
import { useDefaultCredentials } from './aws-credentials';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { localPorts } from './environment';

const usage = 'usage: npm run import -- --file users.jsonl --org <id> [--dry-run] [--json] [--aws]';

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      org: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
    },
  });
  const orgId = Number(values.org);
  if (!values.file || !Number.isSafeInteger(orgId) || orgId <= 0) {
    console.error(usage);
    process.exit(2);
  }
  if (!values.aws) process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${localPorts().dynamoDbPort}`;
  else await useDefaultCredentials();
  const { importUsers } = await import('../../shared/identity/import');
  const { cliActor } = await import('../../shared/audit/events');
  // Iterating from here on buffers the lines: readline drops those emitted before iteration starts.
  const lines = createInterface({ input: createReadStream(values.file), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const outcomes = await importUsers(orgId, lines, cliActor('import'), { dryRun: values['dry-run'] });
  for (const o of outcomes) {
    if (values.json) console.log(JSON.stringify(o));
    else console.log(`line ${o.line}: ${o.outcome}${o.email ? ` ${o.email}` : ''}${'reason' in o ? ` (${o.reason})` : ''}`);
  }
  const tally = new Map<string, number>();
  for (const o of outcomes) tally.set(o.outcome, (tally.get(o.outcome) ?? 0) + 1);
  const counts = [...tally].map(([outcome, n]) => `${n} ${outcome}`);
  console.error(`${values['dry-run'] ? 'Dry run: ' : ''}${counts.join(', ') || 'no rows'}`);
  if (outcomes.some((o) => o.outcome === 'refused')) process.exitCode = 1;
}

main().catch((error: Error) => {
  const reason = error.name === 'ResourceNotFoundException' ? 'the table does not exist (is `npm start` running?)' : error.message;
  console.error(`import failed: ${reason}`);
  process.exit(1);
});
