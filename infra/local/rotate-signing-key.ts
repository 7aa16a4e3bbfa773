/**
 * `npm run rotate-signing-key [-- --aws]`: adds a new ES256 signing key; the old ones stay in the
 * JWKS until the tokens they signed have expired (SIGNING_KEY_RETENTION). Targets the local table
 * by default; with --aws, the table named by TABLE_NAME with DATA_KEY_SOURCE=kms and KMS_KEY_ID.
 */
import { useDefaultCredentials } from './aws-credentials';
import { localPorts } from './environment';

async function main() {
  if (!process.argv.includes('--aws')) process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${localPorts().dynamoDbPort}`;
  else await useDefaultCredentials();
  const { rotateSigningKey } = await import('../../shared/tokens/signing-keys');
  const { cliActor } = await import('../../shared/audit/events');
  console.log(`New signing key ${await rotateSigningKey(cliActor('rotate-signing-key'))}; earlier keys stay published until their tokens expire.`);
}

main().catch((error: Error) => {
  console.error(`rotation failed: ${error.message}`);
  process.exit(1);
});
