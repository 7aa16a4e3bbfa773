/**
 * `npm run sam-env` against the synthesized template: Docker is not on every machine, so SAM itself
 * cannot run here, but the env-vars file and the template it is for can be proven to agree. SAM
 * applies a file's values only to variables the function declares, and the template's own values
 * for the table and the key are CloudFormation references that mean nothing locally.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { routeEntries } from '../../functions/routes';
import { buildApp } from '../../infra/app';
import { SAM_LOCAL_VARIABLES, samEnvVars, samFunctions, stackTemplates, type SamFunction } from '../../infra/local/sam-env';
import { loadConfig } from '../../shared/config';

const ROOT = join(__dirname, '..', '..');
const cdkJsonContext = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const stubCode = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 204 });');
const outdirs: string[] = [];

/** Synthesizes the app as `npx cdk synth -c local=true ...` does (cdk.json context) into a cloud assembly. */
function synth(context: Record<string, unknown>): { cdkOut: string; functions: SamFunction[] } {
  const cdkOut = mkdtempSync(join(tmpdir(), 'twofactor-sam-'));
  outdirs.push(cdkOut);
  const app = new App({ outdir: cdkOut, context: { ...cdkJsonContext, 'aws:cdk:enable-asset-metadata': true, ...context } });
  buildApp(app, { codeOverride: stubCode });
  app.synth();
  return { cdkOut, functions: stackTemplates(cdkOut).flatMap((t) => samFunctions(cdkOut, t)) };
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm run sam-env and the template (cdk synth -c local=true)', () => {
  let functions: SamFunction[];
  let vars: Record<string, Record<string, string>>;

  beforeAll(() => {
    ({ functions } = synth({ local: 'true' }));
    vars = samEnvVars(functions);
  }, 120_000);

  test('every function of the template and its nested stacks is in the file, by logical ID and by nested path', () => {
    // One per route, the deploy-time key material function and the security notifier.
    expect(functions).toHaveLength(routeEntries().length + 2);
    expect(functions.filter((fn) => fn.fullPath.includes('/'))).toHaveLength(routeEntries().length);
    for (const fn of functions) {
      expect(vars[fn.logicalId]).toBeDefined();
      expect(vars[fn.fullPath]).toEqual(vars[fn.logicalId]);
    }
    expect(Object.keys(vars).sort()).toEqual([...new Set(functions.flatMap((fn) => [fn.logicalId, fn.fullPath]))].sort());
  });

  test('the file sets only variables the function declares (SAM ignores any other)', () => {
    for (const fn of functions) {
      expect(Object.keys(vars[fn.fullPath]!).filter((name) => !(name in fn.environment))).toEqual([]);
    }
  });

  test('every variable the function reads is set: no CloudFormation reference is left, and the result passes the functions\' config schema', () => {
    for (const fn of functions) {
      const merged = { ...fn.environment, ...vars[fn.fullPath] };
      const unresolved = Object.entries(merged).filter(([, value]) => typeof value !== 'string');
      expect({ fn: fn.fullPath, unresolved }).toEqual({ fn: fn.fullPath, unresolved: [] });
      const config = loadConfig(merged as Record<string, string>);
      expect(config).toMatchObject({
        DYNAMODB_ENDPOINT: 'http://host.docker.internal:8000',
        DATA_KEY_SOURCE: 'file',
        DATA_KEY_FILE: '/var/task/data-key',
        TABLE_NAME: 'twofactor',
      });
    }
  });

  test('a template synthesized for AWS (no -c local=true) is refused with what to do', () => {
    const { functions: deployed } = synth({
      issuer: 'https://auth.acme.test',
      webauthnRpId: 'acme.test',
      webauthnOrigins: 'https://app.acme.test',
      smsAllowedCountryCodes: '45',
    });
    expect(() => samEnvVars(deployed)).toThrow(/does not declare DATA_KEY_FILE, DYNAMODB_ENDPOINT.*-c local=true/);
    expect(SAM_LOCAL_VARIABLES.filter((name) => !(name in deployed[0]!.environment))).toEqual(['DATA_KEY_FILE', 'DYNAMODB_ENDPOINT']);
  }, 120_000);

  test('-c architecture=x86_64 synthesizes every function for an x86 Docker host', () => {
    const { cdkOut, functions: x86 } = synth({ local: 'true', architecture: 'x86_64' });
    const collect = (file: string): string[] => {
      const template = JSON.parse(readFileSync(join(cdkOut, file), 'utf8'));
      return Object.values(template.Resources as Record<string, any>).flatMap((r) =>
        r.Type === 'AWS::Lambda::Function' ? r.Properties.Architectures : r.Type === 'AWS::CloudFormation::Stack' ? collect(r.Metadata['aws:asset:path']) : [],
      );
    };
    const architectures = stackTemplates(cdkOut).flatMap(collect);
    expect(architectures).toHaveLength(x86.length);
    expect(new Set(architectures)).toEqual(new Set(['x86_64']));
  }, 120_000);
});
