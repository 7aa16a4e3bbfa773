/** Per-worker environment: the shared test table, a throwaway data key, fast scrypt, quiet logs. */
process.env.TABLE_NAME = 'twofactor-test';
process.env.DATA_KEY_SOURCE = 'file';
process.env.DATA_KEY_FILE = `${process.env.TEST_DATA_DIR ?? '/tmp/twofactor-test'}/data-key`;
process.env.SCRYPT_LOG_N ??= '14';
process.env.LOG_LEVEL ??= 'SILENT';
process.env.TOKEN_ISSUER = 'http://127.0.0.1:3000';
// The SDK's "Node 20 support ends" warning is about the machine's Node, not the code under test, and
// would print once per worker; CI also runs the suites on Node 24, where it never fires. `npm start`
// leaves it on: a user on Node 20 should see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.SMS_OUTBOX_FILE = `${process.env.TEST_DATA_DIR ?? '/tmp/twofactor-test'}/sms-outbox.jsonl`;
process.env.WEBAUTHN_RP_ID = 'localhost';
process.env.WEBAUTHN_ORIGINS ??= 'http://localhost:3000';
process.env.SMS_OUTBOX_PRINT = 'false';
process.env.EMAIL_OUTBOX_FILE = `${process.env.TEST_DATA_DIR ?? '/tmp/twofactor-test'}/email-outbox.jsonl`;
process.env.EMAIL_OUTBOX_PRINT = 'false';
// DynamoDB Local on a shared 2-core machine is far slower than DynamoDB: budgets and AWS timeouts
// ×10, so a slow moment is not a 503. The fault tests set 1 to see the real numbers.
process.env.TIMEOUT_SCALE ??= '10';

if (process.env.TEST_SERVER_MODE === 'synth') {
  // The synthesized functions keep the data key wrapped by KMS in the table; the tests' own calls
  // (fixtures, in-process handlers) use the same key through the same local KMS.
  process.env.DATA_KEY_SOURCE = 'kms';
  process.env.KMS_KEY_ID = process.env.TEST_KMS_KEY_ID;
  process.env.AWS_ENDPOINT_URL_KMS = process.env.TEST_KMS_ENDPOINT;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'tests';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
}
