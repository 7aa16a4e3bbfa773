/**
 * Each recorded AWS call judged against its function's IAM policies from the synthesized template,
 * with @cloud-copilot/iam-simulate (real IAM evaluation: explicit denies, conditions, wildcards),
 * and the permissions each role holds that no call used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { asList, LOCAL_ACCOUNT, type LocalAssembly, type LocalFunction, type PolicyDocument } from '../../infra/local/synth/assembly';
import type { AwsCall } from '../../infra/local/synth/aws-standins';

export interface Verdict {
  call: AwsCall;
  result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | 'Invalid';
  detail?: string;
}

/** IAM's context keys for a call: dynamodb:LeadingKeys, kms:EncryptionContext:<key>, kms:EncryptionContextKeys. */
export function contextFor(call: AwsCall): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  if (call.leadingKeys?.length) context['dynamodb:LeadingKeys'] = call.leadingKeys;
  if (call.encryptionContext) {
    for (const [key, value] of Object.entries(call.encryptionContext)) context[`kms:EncryptionContext:${key}`] = value;
    context['kms:EncryptionContextKeys'] = Object.keys(call.encryptionContext);
  }
  return context;
}

/**
 * The simulator accepts context keys with a variable part only after a slash (aws:PrincipalTag/<tag>),
 * and drops kms:EncryptionContext:<key> as unknown, which would fail every condition on it. The
 * same key is renamed, in the policies and in the request alike, to a string key of the accepted
 * form: same operators, same values, so the same decision.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const renameKey = (key: string) => key.replace(ENCRYPTION_CONTEXT, (_, name: string) => `aws:PrincipalTag/kms-encryption-context-${name}`);

function renameInPolicy<T>(document: T): T {
  const copy = JSON.parse(JSON.stringify(document)) as { Statement: PolicyDocument['Statement'] };
  for (const statement of asList(copy.Statement)) {
    for (const [operator, conditions] of Object.entries(statement.Condition ?? {})) {
      statement.Condition![operator] = Object.fromEntries(Object.entries(conditions).map(([key, value]) => [renameKey(key), value]));
    }
  }
  return copy as T;
}

export async function evaluate(fn: LocalFunction, call: AwsCall, assembly: LocalAssembly): Promise<Verdict> {
  const keyPolicy = call.action.startsWith('kms:') ? assembly.kmsKeys.find((key) => key.arn === call.resource)?.policy : undefined;
  const simulation: Simulation = {
    identityPolicies: fn.policies.map((p) => ({ name: p.name, policy: renameInPolicy(p.document) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(keyPolicy && { resourcePolicy: renameInPolicy(keyPolicy) }),
    request: {
      principal: fn.roleArn,
      action: call.action,
      resource: { resource: call.resource, accountId: LOCAL_ACCOUNT },
      // aws:PrincipalArn is the role's ARN, path included (the KMS key policy matches roles by it).
      contextVariables: Object.fromEntries(
        Object.entries({ 'aws:PrincipalArn': fn.roleArn, ...contextFor(call) }).map(([key, value]) => [renameKey(key), value]),
      ),
    },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') return { call, result: 'Invalid', detail: JSON.stringify(response.errors) };
  const ignored = response.resultType === 'single' ? response.result.ignoredContextKeys : [];
  if (ignored?.length) return { call, result: 'Invalid', detail: `context keys the simulator ignored: ${ignored.join(', ')}` };
  return { call, result: response.overallResult };
}

/** `*` and `?` as IAM matches them (case-sensitive for ARNs, case-insensitive for actions). */
export function iamMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'i' : '');
  return regex.test(value);
}

/** Whether an Allow statement of the function's role names `action` itself. */
export function allows(fn: LocalFunction, action: string): boolean {
  return fn.policies.some(({ document }) =>
    asList((document as PolicyDocument).Statement).some((statement) => statement.Effect === 'Allow' && asList(statement.Action).includes(action)),
  );
}

/**
 * The (action, resource) pairs a function's Allow statements grant that no allowed call of the
 * function used. Log writes are left out: the Lambda service writes the logs with the role, not the code.
 */
export function unusedGrants(fn: LocalFunction, allowed: AwsCall[]): string[] {
  const unused: string[] = [];
  for (const { document } of fn.policies) {
    for (const statement of asList((document as PolicyDocument).Statement)) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asList(statement.Action)) {
        if (action.toLowerCase().startsWith('logs:')) continue;
        for (const resource of asList(statement.Resource)) {
          const used = allowed.some((call) => iamMatch(action, call.action, true) && iamMatch(resource, call.resource));
          if (!used) unused.push(`${action} on ${resource}${statement.Condition ? ` when ${JSON.stringify(statement.Condition)}` : ''}`);
        }
      }
    }
  }
  return unused;
}

/**
 * Resolves once every other suite of the run has finished (iam-last-sequencer.js hands their paths
 * over, suites-done-reporter.js records each as it ends): only then are all their calls recorded.
 */
export async function otherSuitesFinished(): Promise<void> {
  const expected: string[] = JSON.parse(process.env.TEST_SUITES_BEFORE_IAM ?? '[]');
  const file = join(process.env.TEST_DATA_DIR ?? '', 'finished-suites');
  for (;;) {
    const finished = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
    if (expected.every((path) => finished.has(path))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
