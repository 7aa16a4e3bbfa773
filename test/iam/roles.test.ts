/**
 * Every AWS call the synthesized functions made during this run's e2e tests (recorded by the local
 * stand-ins of DynamoDB, KMS and SNS, attributed by the access key each function signs with) is
 * allowed by that function's role in the template, as IAM would evaluate it; and each role's grants
 * that no call used are listed. Runs last in the synthesized-mode run (`npm run test:synth`).
 */
import { readAssembly, type LocalAssembly } from '../../infra/local/synth/assembly';
import { readCalls, type AwsCall } from '../../infra/local/synth/aws-standins';
import { allows, evaluate, otherSuitesFinished, unusedGrants, type Verdict } from '../support/iam';

const callsFile = process.env.TEST_AWS_CALLS_FILE;
const assemblyDir = process.env.TEST_ASSEMBLY_DIR;

let assembly: LocalAssembly;
let calls: AwsCall[];
const verdicts: Verdict[] = [];

beforeAll(async () => {
  if (!callsFile || !assemblyDir) throw new Error('Run with TEST_SERVER_MODE=synth (npm run test:synth): the synthesized stack records the calls');
  await otherSuitesFinished();
  assembly = readAssembly(assemblyDir, process.env.TABLE_NAME!);
  calls = readCalls(callsFile).filter((call) => assembly.functions.has(call.principal));
  for (const call of calls) verdicts.push(await evaluate(assembly.functions.get(call.principal)!, call, assembly));
  // The wait for the suite still running on the other worker (a browser suite takes minutes).
}, 600_000);

const describeCall = (v: Verdict) =>
  `${v.call.principal}: ${v.call.action} on ${v.call.resource}` +
  `${v.call.leadingKeys ? ` (LeadingKeys ${v.call.leadingKeys.join(', ')})` : ''}` +
  `${v.call.encryptionContext ? ` (context ${JSON.stringify(v.call.encryptionContext)})` : ''} → ${v.result}${v.detail ? ` ${v.detail}` : ''}`;

describe("each function's IAM role, against the calls it really makes", () => {
  it('recorded the calls of the functions the e2e tests invoked, DynamoDB, KMS, SES and SNS among them', () => {
    const services = new Set(calls.map((call) => call.action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'ses', 'sns']);
  });

  it('allows every recorded call', () => {
    const refused = [...new Map(verdicts.filter((v) => v.result !== 'Allowed').map((v) => [describeCall(v).replace(/LeadingKeys [^)]*/, ''), v])).values()];
    expect(refused.map(describeCall)).toEqual([]);
  });

  it('lists, per function, the permissions its role grants that no call used', () => {
    const allowed = verdicts.filter((v) => v.result === 'Allowed').map((v) => v.call);
    const lines: string[] = [];
    const invoked = new Set(calls.map((call) => call.principal));
    for (const fn of [...assembly.functions.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      const unused = unusedGrants(
        fn,
        allowed.filter((call) => call.principal === fn.id),
      );
      if (unused.length === 0) continue;
      lines.push(`${fn.id}${invoked.has(fn.id) ? '' : ' (made no AWS call in these tests)'}:`, ...unused.map((grant) => `    ${grant}`));
    }
    console.log(lines.length ? `Granted but never used:\n${lines.join('\n')}` : 'Every granted permission was used.');
    // Only roles from the template are judged: no AWS managed policy the test cannot read.
    expect([...assembly.functions.values()].flatMap((fn) => fn.unresolvedManagedPolicies)).toEqual([]);
  });
});

describe('the IAM evaluation itself', () => {
  it('denies a call outside the role: a table write by a read-only function, a KMS call without the encryption context', async () => {
    // Roles also carry Deny statements naming writes (key material): judge by what they allow.
    const readOnly = [...assembly.functions.values()].find((fn) => allows(fn, 'dynamodb:GetItem') && !allows(fn, 'dynamodb:PutItem'));
    const kmsUser = [...assembly.functions.values()].find((fn) => allows(fn, 'kms:Decrypt'));
    const key = assembly.kmsKeys[0]!;
    expect(readOnly && kmsUser).toBeTruthy();
    const write = await evaluate(readOnly!, { principal: readOnly!.id, action: 'dynamodb:PutItem', resource: assembly.tableArn, leadingKeys: ['USER#1'] }, assembly);
    const decrypt = (encryptionContext: Record<string, string>) =>
      evaluate(kmsUser!, { principal: kmsUser!.id, action: 'kms:Decrypt', resource: key.arn, encryptionContext }, assembly);
    const recorded = calls.find((call) => call.principal === kmsUser!.id && call.action === 'kms:Decrypt');
    expect(write.result).toBe('ImplicitlyDenied');
    expect((await decrypt({ purpose: 'something-else' })).result).toBe('ImplicitlyDenied');
    if (recorded) expect((await decrypt(recorded.encryptionContext!)).result).toBe('Allowed');
  });

  it('denies every route function what only the deploy-time key material may do: write SIGNING_KEYS or CONFIG, GenerateDataKey', async () => {
    const key = assembly.kmsKeys[0]!;
    const keyMaterial = [...assembly.functions.values()].filter((fn) => allows(fn, 'kms:GenerateDataKey'));
    const routeFunctions = new Set(assembly.routes.map((route) => route.functionId));
    // One function may create key material, and it serves no route.
    expect(keyMaterial.map((fn) => routeFunctions.has(fn.id))).toEqual([false]);
    const answers: Record<string, string[]> = {};
    for (const fn of [...assembly.functions.values()].filter((f) => routeFunctions.has(f.id))) {
      const results = [];
      for (const partition of ['SIGNING_KEYS', 'CONFIG']) {
        for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
          results.push((await evaluate(fn, { principal: fn.id, action, resource: assembly.tableArn, leadingKeys: [partition] }, assembly)).result);
        }
      }
      const context = { purpose: 'twofactor-data-key' };
      results.push((await evaluate(fn, { principal: fn.id, action: 'kms:GenerateDataKey', resource: key.arn, encryptionContext: context }, assembly)).result);
      answers[fn.id] = [...new Set(results)];
    }
    for (const [id, results] of Object.entries(answers)) expect({ id, results: results.filter((r) => r === 'Allowed') }).toEqual({ id, results: [] });
    const writer = [...assembly.functions.values()].find((fn) => routeFunctions.has(fn.id) && allows(fn, 'dynamodb:PutItem'))!;
    const put = (partition: string) => evaluate(writer, { principal: writer.id, action: 'dynamodb:PutItem', resource: assembly.tableArn, leadingKeys: [partition] }, assembly);
    expect((await put('SIGNING_KEYS')).result).toBe('ExplicitlyDenied');
    expect((await put('USER#1')).result).toBe('Allowed');
    const [material] = keyMaterial;
    const materialPut = await evaluate(material!, { principal: material!.id, action: 'dynamodb:PutItem', resource: assembly.tableArn, leadingKeys: ['SIGNING_KEYS'] }, assembly);
    expect(materialPut.result).toBe('Allowed');
  });
});
