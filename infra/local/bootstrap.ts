/**
 * `npm run bootstrap -- --org "Acme" --email admin@acme.test [--role admin|member|support] [--json]`
 * Creates the org if it does not exist and the user in it, and prints a generated password.
 * Targets the running local table by default; DYNAMODB_ENDPOINT and TABLE_NAME point elsewhere, and
 * `--aws` uses the AWS credentials and region of the environment (a deployed table).
 */
import { useDefaultCredentials } from './aws-credentials';
import { parseArgs } from 'node:util';
import { localPorts } from './environment';

const usage = 'usage: npm run bootstrap -- --org "Acme" --email admin@acme.test [--role admin|member|support] [--json] [--aws]';

async function main() {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      json: { type: 'boolean', default: false },
      aws: { type: 'boolean', default: false },
    },
  });
  if (!values.org || !values.email || !['admin', 'member', 'support'].includes(values.role!)) {
    console.error(usage);
    process.exit(2);
  }
  if (!values.aws) process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${localPorts().dynamoDbPort}`;
  else await useDefaultCredentials();
  const { bootstrapUser } = await import('../../shared/identity/bootstrap');
  const user = await bootstrapUser(values.org, values.email, values.role as 'admin');
  if (values.json) console.log(JSON.stringify(user));
  else console.log(`Created ${user.role} ${user.email} (user ${user.userId}) in org ${user.orgId} "${values.org}". Password (shown once): ${user.password}`);
}

main().catch((error: Error) => {
  const reason = error.name === 'ResourceNotFoundException' ? 'the table does not exist (is `npm start` running?)' : error.message;
  console.error(`bootstrap failed: ${reason}`);
  process.exit(1);
});
