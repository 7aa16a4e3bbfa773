/**
 * The CDK stack, synthesized as `cdk synth` builds it (buildApp, cdk.json's context, the cdk-nag
 * plugin): one function and one HTTP API route per route-table entry, the table, and least-privilege
 * IAM derived from each entry's `table`, `secrets` and `sms`.
 *
 * Bundling every function (one esbuild run over all handlers, infra/constructs/function-bundling.ts)
 * costs seconds that grow with the route table; so the full stack is synthesized with inline stub
 * code, one real function bundle is checked on its own, and the route table's `secrets`/`sms`
 * flags are checked against what each handler really imports with one esbuild run over all of them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { build, stop as stopEsbuild, type Metafile } from 'esbuild';
import { BUDGETS, budgetOf, FUNCTION_TIMEOUT_MARGIN_MS, routeEntries, type Route } from '../../functions/routes';
import { tableDefinition } from '../../infra/table';
import { buildApp, stackNameFromContext, stackPropsFromContext } from '../../infra/app';
import { TABLE_READ_ACTIONS, TABLE_WRITE_ACTIONS } from '../../infra/constructs/endpoint-function';
import { esbuildOptions } from '../../infra/bundling';
import { RPC_REQUEST_HEADERS, TwoFactorStack } from '../../infra/stack';
import { AUTH_ROUTES } from '../../infra/constructs/operations';

const ROOT = join(__dirname, '..', '..');
const cdkJsonContext = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

type Json = Record<string, any>;
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Condition?: Json };

const routes = routeEntries();
const outdirs: string[] = [];

/** A deployment's own domain: cdk.json's example.com placeholders fail the synth (outside local use). */
const domain = { issuer: 'https://auth.acme.test', webauthnRpId: 'acme.test', webauthnOrigins: ['https://app.acme.test'] };
// SMS routes need their allowed countries named (a synth error otherwise).
const domainContext = { ...domain, webauthnOrigins: domain.webauthnOrigins.join(','), smsAllowedCountryCodes: '45,46' };

function newApp(context: Record<string, unknown> = {}): App {
  const outdir = mkdtempSync(join(tmpdir(), 'twofactor-cdk-'));
  outdirs.push(outdir);
  // Asset metadata (aws:asset:path) as the CLI enables it.
  return new App({ outdir, context: { ...cdkJsonContext, ...domainContext, 'aws:cdk:enable-asset-metadata': true, ...context } });
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

const stubCode = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 204 });');

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

/** sns:Publish on * (direct SMS has no ARN), and a Deny on every SNS ARN (topics, endpoints). */
function expectSmsOnly(statements: Statement[]): void {
  expect(statements).toEqual([
    expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }),
    expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish' }),
  ]);
  // arn:<partition>:sns:*:*:* — a literal where the region is known, Fn::Join where it is not.
  expect(JSON.stringify(statements[1]!.Resource)).toMatch(/"arn:"?,?.*:sns:\*:\*:\*"/);
}

/**
 * A weak cross-stack reference (Fn::GetStackOutput of the data stack) replaced by the expression
 * the data stack outputs: `{ Ref: <the table> }` reads the same wherever it is used.
 */
function resolveDataOutputs(stack: TwoFactorStack, value: unknown): unknown {
  const outputs = Template.fromStack(stack.data).toJSON().Outputs as Record<string, Json>;
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') {
      const ref = (v as Json)['Fn::GetStackOutput'];
      if (ref && ref.StackName === stack.data.stackName) return outputs[ref.OutputName]!.Value;
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, resolve(item)]));
    }
    return v;
  };
  return resolve(value);
}

/**
 * The data stack's, the parent's and every route group's templates, resolved into one view: a
 * nested template's parameter references are replaced by the values the parent passes, and
 * references to the data stack by what it outputs, so that a function's TABLE_NAME reads
 * `{ Ref: <the table> }` wherever the function lives.
 */
function mergedResources(stack: TwoFactorStack): Record<string, Json> {
  const parent = resolveDataOutputs(stack, Template.fromStack(stack).toJSON().Resources) as Record<string, Json>;
  const merged: Record<string, Json> = { ...(Template.fromStack(stack.data).toJSON().Resources as Record<string, Json>) };
  for (const [id, resource] of Object.entries(parent)) {
    if (id in merged) throw new Error(`logical id ${id} appears twice`);
    merged[id] = resource;
  }
  for (const group of stack.routeGroups) {
    const nested = resolveDataOutputs(stack, Template.fromStack(group).toJSON()) as Json;
    const passed = parent[stack.getLogicalId(group.nestedStackResource as CfnElement)]!.Properties.Parameters ?? {};
    const resolve = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(resolve);
      if (value && typeof value === 'object') {
        const ref = (value as Json).Ref;
        if (typeof ref === 'string' && ref in (nested.Parameters ?? {})) return passed[ref];
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
      }
      return value;
    };
    for (const [id, resource] of Object.entries(nested.Resources as Record<string, Json>)) {
      if (id in merged) throw new Error(`logical id ${id} appears twice`);
      merged[id] = resolve(resource) as Json;
    }
  }
  return merged;
}

/** Helpers over the synthesized stack and its route groups. */
function inspect(stack: TwoFactorStack) {
  const resources = mergedResources(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    Stack.of(construct as Construct).getLogicalId(construct.node.defaultChild as CfnElement);

  const statementsOf = (routeKey: string): Statement[] => {
    const endpoint = stack.functions.get(routeKey)!;
    const roleId = logicalId(endpoint.role);
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: Json) => ref.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  };
  const allowedActions = (routeKey: string): string[] =>
    statementsOf(routeKey)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => asList(s.Action));
  const functionOf = (routeKey: string): Json => resources[logicalId(stack.functions.get(routeKey)!.function)]!;

  return { resources, statementsOf, allowedActions, functionOf, logicalId };
}

describe('TwoFactorStack (as cdk synth builds it, stub code)', () => {
  let app: App;
  let stack: TwoFactorStack;
  let template: Template;
  let data: Template;
  let h: ReturnType<typeof inspect>;

  beforeAll(() => {
    ({ app, stack } = buildApp(newApp(), { codeOverride: stubCode }));
    // Synthesizes with the cdk-nag plugin registered: an unacknowledged nag error throws here.
    template = Template.fromStack(stack);
    data = Template.fromStack(stack.data);
    h = inspect(stack);
  }, 120_000);

  test('one Lambda function per route-table entry, the key-material function, the security notifier, and no CDK helper functions', () => {
    const functions = Object.values(h.resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(routes.length + 2);
    expect(stack.functions.size).toBe(routes.length);
    const types = Object.values(h.resources).map((r) => r.Type as string);
    expect(types.filter((t) => t.startsWith('Custom::') || t === 'AWS::CloudFormation::CustomResource')).toEqual([
      'Custom::TwoFactorKeyMaterial',
    ]);
    for (const [key, route] of routes) {
      expect(h.functionOf(key).Properties.Description).toBe(`${key} (${route.handler})`);
    }
  });

  test('one HTTP API route per entry, with the entry key as RouteKey, integrated with its own function (an auth route: its live alias)', () => {
    const apiRoutes = Object.values(h.resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(apiRoutes.map((r) => r.Properties.RouteKey).sort()).toEqual(routes.map(([key]) => key).sort());
    // Zitadel's RPC paths too: its clients call /<package>.<Service>/<Method> on the API's root.
    expect(apiRoutes.map((r) => r.Properties.RouteKey)).toEqual(
      expect.arrayContaining(
        ['ListLoginPolicySecondFactors', 'AddSecondFactorToLoginPolicy', 'RemoveSecondFactorFromLoginPolicy'].map(
          (m) => `POST /zitadel.management.v1.ManagementService/${m}`,
        ),
      ),
    );
    for (const [key] of routes) {
      const route = apiRoutes.find((r) => r.Properties.RouteKey === key)!;
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref as string;
      const integration = h.resources[integrationId]!;
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      const guarded = stack.operations.guarded.find((g) => g.routeKey === key);
      expect(integration.Properties.IntegrationUri).toEqual(
        guarded
          ? { Ref: Stack.of(guarded.alias).getLogicalId(guarded.alias.node.defaultChild as CfnElement) }
          : { 'Fn::GetAtt': [h.logicalId(stack.functions.get(key)!.function), 'Arn'] },
      );
    }
  });

  test('the table: keys, GSI, TTL, on-demand, point-in-time recovery, deletion protection, retained (in the data stack)', () => {
    const t = tableDefinition;
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    data.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: t.partitionKey, KeyType: 'HASH' },
          { AttributeName: t.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayEquals(
          [t.partitionKey, t.sortKey, t.gsi1.partitionKey, t.gsi1.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        ),
        GlobalSecondaryIndexes: [
          {
            IndexName: t.gsi1.name,
            KeySchema: [
              { AttributeName: t.gsi1.partitionKey, KeyType: 'HASH' },
              { AttributeName: t.gsi1.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...t.gsi1.projection] },
          },
        ],
        TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  test('the KMS key rotates and is retained (in the data stack); outputs', () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    data.resourceCountIs('AWS::KMS::Key', 1);
    data.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    template.hasOutput('ApiUrl', {});
    const outputs = resolveDataOutputs(stack, template.toJSON().Outputs) as Json;
    expect(outputs.TableName.Value).toEqual({ Ref: h.logicalId(stack.table) });
    expect(outputs.KmsKeyArn.Value).toEqual({ 'Fn::GetAtt': [h.logicalId(stack.dataKey), 'Arn'] });
  });

  test('every function: nodejs24.x on arm64, memory, its budget + 1 s as timeout, own log group, JSON logs, configuration, no source maps', () => {
    const logGroups = new Set<string>();
    for (const [key, route] of routes) {
      const p = h.functionOf(key).Properties;
      expect(p).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: route.memoryMb ?? 256,
        Timeout: (BUDGETS[budgetOf(route)] + FUNCTION_TIMEOUT_MARGIN_MS) / 1000,
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
      });
      const logGroupId = p.LoggingConfig.LogGroup.Ref as string;
      // 90 days: an authentication service's logs are evidence.
      expect(h.resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
      logGroups.add(logGroupId);

      const env = p.Environment.Variables as Json;
      expect(env).toMatchObject({
        TABLE_NAME: { Ref: h.logicalId(stack.table) },
        DATA_KEY_SOURCE: 'kms',
        KMS_KEY_ID: { 'Fn::GetAtt': [h.logicalId(stack.dataKey), 'Arn'] },
        TOKEN_ISSUER: domainContext.issuer,
        TOKEN_AUDIENCE: cdkJsonContext.audience,
        APP_NAME: cdkJsonContext.appName,
        WEBAUTHN_RP_ID: domainContext.webauthnRpId,
        WEBAUTHN_ORIGINS: domainContext.webauthnOrigins,
        LOG_LEVEL: 'INFO',
        SMS_SENDER: 'sns',
      });
      expect(env).not.toHaveProperty('NODE_OPTIONS');
      expect(env).not.toHaveProperty('AWS_NODEJS_CONNECTION_REUSE_ENABLED');
      expect(env).not.toHaveProperty('DYNAMODB_ENDPOINT');
    }
    expect(logGroups.size).toBe(routes.length);
  });

  test('roles: no managed policies; each function may write only to its own log group', () => {
    for (const [key] of routes) {
      const endpoint = stack.functions.get(key)!;
      const role = h.resources[h.logicalId(endpoint.role)]!;
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      const logStatements = h.statementsOf(key).filter((s) => asList(s.Action).some((a) => a.startsWith('logs:')));
      expect(logStatements).toEqual([
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [h.logicalId(endpoint.logGroup), 'Arn'] },
        }),
      ]);
    }
  });

  test('table grants follow route.table: none, read, readwrite; never a wildcard action', () => {
    const levels = new Set(routes.map(([, r]) => r.table ?? 'readwrite'));
    // The route table exercises every level (openapi is "none", health "read").
    expect([...levels].sort()).toEqual(['none', 'read', 'readwrite']);
    for (const [key, route] of routes) {
      const actions = h.allowedActions(key);
      const dynamo = actions.filter((a) => a.startsWith('dynamodb:'));
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      switch (route.table ?? 'readwrite') {
        case 'none':
          expect(dynamo).toEqual([]);
          break;
        case 'read':
          expect(dynamo.sort()).toEqual([...TABLE_READ_ACTIONS].sort());
          expect(dynamo).not.toContain('dynamodb:PutItem');
          expect(dynamo).not.toContain('dynamodb:UpdateItem');
          break;
        case 'readwrite':
          expect(dynamo.sort()).toEqual([...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS].sort());
          break;
      }
    }
    expect(h.allowedActions('GET /openapi.json').filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(h.allowedActions('GET /health')).not.toContain('dynamodb:PutItem');
  });

  test('reads cover the table and the GSI by name; writes only the table', () => {
    const tableArn = { 'Fn::GetAtt': [h.logicalId(stack.table), 'Arn'] };
    const indexArn = { 'Fn::Join': ['', [tableArn, `/index/${tableDefinition.gsi1.name}`]] };
    const [key] = routes.find(([, r]) => (r.table ?? 'readwrite') === 'readwrite')!;
    const statements = h.statementsOf(key);
    const read = statements.find((s) => s.Effect === 'Allow' && asList(s.Action).includes('dynamodb:Query'))!;
    const write = statements.find((s) => s.Effect === 'Allow' && asList(s.Action).includes('dynamodb:PutItem'))!;
    expect(read.Resource).toHaveLength(2);
    expect(read.Resource).toEqual(expect.arrayContaining([tableArn, indexArn]));
    expect(write.Resource).toEqual(tableArn);
  });

  test('only secrets routes get KMS, and only kms:Decrypt, bound to the data key and its encryption context', () => {
    expect(routes.some(([, r]) => r.secrets)).toBe(true);
    for (const [key, route] of routes) {
      const kms = h.statementsOf(key).filter((s) => asList(s.Action).some((a) => a.startsWith('kms:')));
      if (!route.secrets) {
        expect(kms).toEqual([]);
        continue;
      }
      expect(kms).toEqual([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: { 'Fn::GetAtt': [h.logicalId(stack.dataKey), 'Arn'] },
          Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'twofactor-data-key' } },
        }),
      ]);
    }
  });

  test('key material: every function role is denied writes to the SIGNING_KEYS and CONFIG partitions; nobody may BatchWriteItem', () => {
    const tableArn = { 'Fn::GetAtt': [h.logicalId(stack.table), 'Arn'] };
    for (const [key, route] of routes) {
      const statements = h.statementsOf(key);
      const denials = statements.filter((s) => s.Effect === 'Deny' && asList(s.Action).some((a) => a.startsWith('dynamodb:')));
      expect(denials).toEqual(
        (route.table ?? 'readwrite') === 'none'
          ? []
          : [
              {
                Sid: 'NoKeyMaterialWrites',
                Effect: 'Deny',
                // Sorted by the minimizePolicies flag.
                Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
                Resource: tableArn,
                Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': ['SIGNING_KEYS', 'CONFIG'] } },
              },
            ],
      );
      expect(h.allowedActions(key)).not.toContain('dynamodb:BatchWriteItem');
      expect(h.allowedActions(key)).not.toContain('kms:GenerateDataKey');
    }
  });

  test('the deploy-time key material resource alone may create the data key and write the key partitions', () => {
    const fn = h.resources[h.logicalId(stack.keyMaterialFunction)]!;
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(fn.Properties.Environment.Variables).toMatchObject({ DATA_KEY_SOURCE: 'kms', TABLE_NAME: { Ref: h.logicalId(stack.table) } });
    const resource = h.resources[stack.getLogicalId(stack.keyMaterial.node.defaultChild as CfnElement)]!;
    expect(resource).toMatchObject({ Type: 'Custom::TwoFactorKeyMaterial', Properties: { ServiceToken: { 'Fn::GetAtt': [h.logicalId(stack.keyMaterialFunction), 'Arn'] } } });
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(h.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: Json) => ref.Ref === roleId))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['SIGNING_KEYS', 'CONFIG'] } },
        }),
        expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'twofactor-data-key' } } }),
      ]),
    );
    // Every route group (and so every function) is created after the key material exists.
    for (const group of stack.routeGroups) {
      expect(h.resources[stack.getLogicalId(group.nestedStackResource as CfnElement)]!.DependsOn).toContain(
        stack.getLogicalId(stack.keyMaterial.node.defaultChild as CfnElement),
      );
    }
  });

  test('the KMS key policy: the account administers the key but only this deployment\'s roles use it, with the encryption context', () => {
    const policy = h.resources[h.logicalId(stack.dataKey)]!.Properties.KeyPolicy.Statement as Statement[];
    const uses = policy.filter((s) => asList(s.Action).some((a) => /^kms:(\*|Decrypt|GenerateDataKey|Encrypt|ReEncrypt)/.test(a)));
    expect(uses).toEqual([
      expect.objectContaining({
        Sid: 'DeploymentRolesUseTheDataKey',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: {
          ArnLike: { 'aws:PrincipalArn': expect.anything() },
          StringEquals: { 'kms:EncryptionContext:purpose': 'twofactor-data-key' },
        },
      }),
    ]);
    expect(JSON.stringify(uses[0]!.Condition!.ArnLike)).toContain(':role/twofactor/TwoFactorStack/*');
    // Every role of the deployment is under that path.
    for (const role of Object.values(h.resources).filter((r) => r.Type === 'AWS::IAM::Role')) {
      expect(role.Properties.Path).toBe('/twofactor/TwoFactorStack/');
    }
  });

  test('only sms routes get sns:Publish: Allow on * (direct SMS has no ARN), Deny on every SNS ARN', () => {
    for (const [key, route] of routes) {
      const sns = h.statementsOf(key).filter((s) => asList(s.Action).some((a) => a.startsWith('sns:')));
      if (!route.sms) {
        expect(sns).toEqual([]);
        continue;
      }
      expectSmsOnly(sns);
    }
  });

  test('HTTP API: $default stage auto-deploys, throttled, JSON access logs to a retained log group, no CORS by default', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', CorsConfiguration: Match.absent() });
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(h.resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status' });
    const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(h.resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain' });
  });

  test('no placeholder warning once the domain settings name the deployment\'s domain', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('example\\.com'))).toEqual([]);
  });

  test('cdk-nag AwsSolutions: no unacknowledged errors or warnings', () => {
    // Synthesis above already ran the plugin (errors would have thrown); this also catches warnings.
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('every cdk-nag acknowledgement carries a reason and is written to the template', () => {
    const acknowledged = Object.values(h.resources).flatMap(
      (r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>,
    );
    const expected = [
      'AwsSolutions-APIG4',
      // X-Ray tracing of the auth routes, direct SMS, and the security-events pipe's dynamodb:ListStreams:
      // no resource ARN exists.
      'AwsSolutions-IAM5[Resource::*]',
      // The security-events pipe's dead-letter queue.
      'AwsSolutions-SQS3',
      // The alarm topic: CloudWatch cannot publish to a topic under the AWS managed key.
      'AwsSolutions-SNS2',
      // CodeDeploy's and AWS Backup's own service-role policies.
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
    ];
    expect(new Set(acknowledged.map((a) => a.id))).toEqual(new Set(expected));
    for (const a of acknowledged) expect(a.reason.length).toBeGreaterThan(40);
  });

  test('the IAM5 wildcard acknowledgement sits only on sms roles and traced (auth route) roles', () => {
    const traced = new Set<string>(AUTH_ROUTES);
    for (const [key, route] of routes) {
      const role = h.resources[h.logicalId(stack.functions.get(key)!.role)]!;
      const policyId = Object.entries(h.resources).find(
        ([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === h.logicalId(stack.functions.get(key)!.role),
      )![0];
      const ids = [role, h.resources[policyId]!].flatMap((r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((a: Json) => a.id));
      expect(ids.includes('AwsSolutions-IAM5[Resource::*]')).toBe(!!route.sms || traced.has(key));
    }
  });
});

describe('operations: alarms, dashboard, gradual rollout of the auth routes, backups (stub code)', () => {
  let stack: TwoFactorStack;
  let h: ReturnType<typeof inspect>;
  const idOf = (construct: Construct) => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

  beforeAll(() => {
    ({ stack } = buildApp(newApp(), { codeOverride: stubCode }));
    h = inspect(stack);
  }, 120_000);

  test('every alarm: its metric, threshold and comparison, and the alarm topic as its alarm and OK action', () => {
    const topic = { Ref: idOf(stack.operations.topic) };
    const label = (alarm: Construct) => {
      const route = stack.operations.guarded.find((g) => g.alarms.includes(alarm as never));
      return route ? `${route.routeKey} ${alarm.node.id}` : alarm.node.id;
    };
    const found = Object.fromEntries(
      stack.operations.alarms.map((alarm) => {
        const resource = h.resources[idOf(alarm)]!;
        expect(resource.Type).toBe('AWS::CloudWatch::Alarm');
        expect(resource.Properties.AlarmActions).toEqual([topic]);
        expect(resource.Properties.OKActions).toEqual([topic]);
        expect(resource.Properties.TreatMissingData).toBe('notBreaching');
        return [label(alarm), [resource.Properties.Threshold, resource.Properties.ComparisonOperator]];
      }),
    );
    const gte = 'GreaterThanOrEqualToThreshold';
    const gt = 'GreaterThanThreshold';
    expect(found).toEqual({
      ...Object.fromEntries(
        AUTH_ROUTES.flatMap((key) => [
          [`${key} ErrorsAlarm`, [3, gte]],
          [`${key} ThrottlesAlarm`, [10, gte]],
        ]),
      ),
      'POST /api/auth/login P99DurationAlarm': [1500, gt],
      'POST /2fa/authenticate P99DurationAlarm': [1000, gt],
      Api5xxRateAlarm: [1, gt],
      TableThrottlesAlarm: [10, gte],
      TableSystemErrorsAlarm: [1, gte],
      LockoutsAlarm: [20, gte],
      RefreshReuseAlarm: [5, gte],
      // 80 % of the default 1 USD account limit.
      SmsSpendAlarm: [0.8, gte],
      // A security notice that failed every retry (test/unit/security-notifier-stack.test.ts).
      DeadLettersAlarm: [1, gte],
    });
  });

  test('the alarms read the right metrics', () => {
    const alarm = (id: string) => h.resources[idOf(stack.operations.alarms.find((a) => a.node.id === id)!)]!.Properties;
    expect(alarm('LockoutsAlarm')).toMatchObject({
      Namespace: 'TwoFactor',
      MetricName: 'Lockouts',
      Dimensions: [{ Name: 'service', Value: 'twofactor' }],
      Statistic: 'Sum',
      Period: 300,
    });
    expect(alarm('RefreshReuseAlarm')).toMatchObject({ Namespace: 'TwoFactor', MetricName: 'RefreshTokenReuse' });
    expect(alarm('SmsSpendAlarm')).toMatchObject({ Namespace: 'AWS/SNS', MetricName: 'SMSMonthToDateSpentUSD', Statistic: 'Maximum' });
    const rate = alarm('Api5xxRateAlarm').Metrics as Json[];
    expect(rate.find((m) => m.ReturnData !== false)!.Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    expect(rate.map((m) => m.MetricStat?.Metric.MetricName).filter(Boolean).sort()).toEqual(['5xx', 'Count']);
    const login = stack.operations.guarded.find((g) => g.routeKey === 'POST /api/auth/login')!;
    const p99 = h.resources[idOf(login.alarms.find((a) => a.node.id === 'P99DurationAlarm')!)]!.Properties;
    expect(p99).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Duration', ExtendedStatistic: 'p99', EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    // The alias's metrics: both versions during a rollout.
    expect(JSON.stringify(p99.Dimensions)).toContain('"Name":"Resource"');
  });

  test('the auth routes (and only they) run behind a live alias that CodeDeploy shifts by canary, rolled back by their alarms', () => {
    expect(stack.operations.guarded.map((g) => g.routeKey).sort()).toEqual([...AUTH_ROUTES].sort());
    const aliases = Object.values(h.resources).filter((r) => r.Type === 'AWS::Lambda::Alias');
    expect(aliases).toHaveLength(AUTH_ROUTES.length);
    for (const guarded of stack.operations.guarded) {
      const alias = h.resources[idOf(guarded.alias)]!;
      const group = h.resources[idOf(guarded.deploymentGroup)]!;
      expect(alias.Properties).toMatchObject({ Name: 'live', FunctionName: { Ref: h.logicalId(guarded.endpoint.function) } });
      expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName).toEqual({ Ref: idOf(guarded.deploymentGroup) });
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        AutoRollbackConfiguration: { Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) },
        AlarmConfiguration: { Enabled: true, Alarms: guarded.alarms.map((a) => ({ Name: { Ref: idOf(a) } })) },
      });
      expect(h.functionOf(guarded.routeKey).Properties.TracingConfig).toEqual({ Mode: 'Active' });
      // Each AWS SDK call as a subsegment (shared/store/aws-call-tracing.ts) where tracing is on.
      expect(h.functionOf(guarded.routeKey).Properties.Environment.Variables.TRACE_AWS_CALLS).toBe('true');
    }
    const others = routes.filter(([key]) => !(AUTH_ROUTES as readonly string[]).includes(key));
    for (const [key] of others) {
      expect(h.functionOf(key).Properties.TracingConfig).toBeUndefined();
      expect(h.functionOf(key).Properties.Environment.Variables.TRACE_AWS_CALLS).toBeUndefined();
    }
  });

  test('detailed (per-route, paid) API metrics on the auth routes only', () => {
    const stage = Object.values(h.resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    const detailed = Object.entries(stage.Properties.RouteSettings as Record<string, Json>)
      .filter(([, settings]) => settings.DetailedMetricsEnabled)
      .map(([key]) => key);
    expect(detailed.sort()).toEqual([...AUTH_ROUTES].sort());
    expect(stage.Properties.DefaultRouteSettings.DetailedMetricsEnabled).toBeUndefined();
  });

  test('one dashboard: the alarms, the API, each auth route, DynamoDB, the business metrics, SMS spend', () => {
    const dashboards = Object.values(h.resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties.DashboardName).toBe('TwoFactorStack');
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    // The alarm status widget lists every alarm (by ARN).
    expect(body.match(/AlarmArn|Alarm[0-9A-F]{8}Arn|"Arn"\]/g)?.length).toBeGreaterThanOrEqual(stack.operations.alarms.length);
    for (const text of ['Alarms', '5xx', 'ThrottleEvents', 'SystemErrors', 'Logins', 'Lockouts', 'RefreshTokenReuse', 'SmsRefused', 'EmailSent', 'SMSMonthToDateSpentUSD', ...AUTH_ROUTES]) {
      expect(body).toContain(text);
    }
  });

  test('the data stack: termination protection, a backup plan of the table (daily 35 days, monthly a year), PITR kept', () => {
    expect(stack.data.terminationProtection).toBe(true);
    expect(stack.terminationProtection).toBe(false);
    const data = Template.fromStack(stack.data);
    data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({ RuleName: 'Daily', ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } }),
          Match.objectLike({ RuleName: 'Monthly', ScheduleExpression: 'cron(0 4 1 * ? *)', Lifecycle: { DeleteAfterDays: 365 } }),
        ],
      },
    });
    data.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [h.logicalId(stack.table), 'Arn'] }] }),
    });
    data.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
    data.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    // The functions stack reads the table and key by weak references (stack outputs), never exports.
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).toContain('"Fn::GetStackOutput"');
  });

  test('every function: POWERTOOLS_METRICS_NAMESPACE for the business metrics; the alarm topic enforces TLS', () => {
    for (const [key] of routes) expect(h.functionOf(key).Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('TwoFactor');
    const policies = Object.values(h.resources).filter((r) => r.Type === 'AWS::SNS::TopicPolicy');
    expect(JSON.stringify(policies)).toContain('aws:SecureTransport');
  });
});

describe('a real function bundle (GET /health)', () => {
  let app: App;
  let file: string;
  let code: string;
  let fn: Json;

  beforeAll(() => {
    const health = routes.find(([key]) => key === 'GET /health')!;
    ({ app } = buildApp(newApp(), { routes: [health] }));
    const template = Template.fromStack((app.node.findChild('TwoFactorStack') as TwoFactorStack).routeGroups[0]!);
    fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
    file = join(app.synth().directory, fn.Metadata['aws:asset:path'], 'index.js');
    code = readFileSync(file, 'utf8');
  }, 60_000);

  test('minified CommonJS, the AWS SDK inside, no source map, exports the handler', () => {
    expect(fn.Properties).toMatchObject({ Handler: 'index.handler', Runtime: 'nodejs24.x' });
    // Booleans, so that a failure does not print a megabyte of bundle.
    expect(/module\.exports/.test(code)).toBe(true);
    expect(code.includes('sourceMappingURL')).toBe(false);
    // The SDK clients are inside (only the optional CRT signer stays an optional require).
    expect(/require\("@aws-sdk\/(client-|lib-)/.test(code)).toBe(false);
    expect(code.includes('DynamoDB_20120810')).toBe(true);
    // Minified: esbuild's per-module path comments are gone.
    expect(code.includes('// node_modules/')).toBe(false);
    expect(code.includes('// functions/')).toBe(false);
    expect(fn.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
  });

  test("importing it does not load web streams: @middy/core's node:stream/web is read on first use (infra/lazy-stream-web.cjs)", () => {
    const probe = `require(${JSON.stringify(file)}); process.stdout.write(String(process.moduleLoadList.filter((m) => /webstreams|stream\\/web/.test(m))))`;
    const loaded = execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(loaded).toBe('');
  });

  test('cdk-nag passes on the bundled path too', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('the route table matches what each handler imports', () => {
  /** Per route key: the source files and packages in its bundle (infra/bundling.ts options). */
  const inputs = new Map<string, string[]>();
  /** Per route key: its bundle's code. */
  const bundles = new Map<string, string>();

  beforeAll(async () => {
    const { metafile, outputFiles } = await build({
      ...esbuildOptions,
      absWorkingDir: ROOT,
      entryPoints: routes.map(([, r]) => ({ in: `functions/${r.handler}.ts`, out: r.handler })),
      outdir: join(tmpdir(), 'twofactor-bundles'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const byEntry = new Map(
      Object.values((metafile as Metafile).outputs)
        .filter((o) => o.entryPoint)
        .map((o) => [o.entryPoint!, Object.keys(o.inputs)]),
    );
    for (const [key, route] of routes) {
      inputs.set(key, byEntry.get(`functions/${route.handler}.ts`)!);
      bundles.set(key, outputFiles!.find((f) => f.path.endsWith(`/${route.handler}.js`))!.text);
    }
  }, 60_000);

  // A handler that named another route's entry would serve it: its access, its schemas. And a
  // bundle holding the whole table parses every route's schemas and zod at each cold start.
  test("each handler serves its own route table entry, and its bundle holds no other route's", () => {
    const entriesIn = (code: string) => routes.filter(([key]) => code.includes(`key:${JSON.stringify(key)}`)).map(([key]) => key);
    const mismatched = routes
      .filter(([, route]) => route.handler !== 'platform/openapi')
      .filter(([key]) => JSON.stringify(entriesIn(bundles.get(key)!)) !== JSON.stringify([key]))
      .map(([key]) => `${key}: ${entriesIn(bundles.get(key)!).join(', ')}`);
    expect(mismatched).toEqual([]);
    // The OpenAPI document's function describes every route.
    expect(entriesIn(bundles.get('GET /openapi.json')!)).toHaveLength(routes.length);
  });

  afterAll(() => stopEsbuild());

  // A handler that reaches the data key without `secrets: true` fails in AWS with AccessDenied;
  // one flagged without using it holds a permission it does not need. Same for SMS and SNS.
  test('secrets ⇔ the bundle uses the data key (KMS); sms ⇔ the bundle uses SNS; email ⇔ the bundle uses SES', () => {
    const flags = routes.map(([key, route]) => ({ key, secrets: !!route.secrets, sms: !!route.sms, email: !!route.email }));
    const used = routes.map(([key]) => ({
      key,
      secrets: inputs.get(key)!.some((p) => p.endsWith('shared/adapters/kms-client.ts')),
      sms: inputs.get(key)!.some((p) => p.endsWith('shared/adapters/sns-client.ts')),
      email: inputs.get(key)!.some((p) => p.endsWith('shared/adapters/ses-client.ts')),
    }));
    expect(flags).toEqual(used);
  });
});

describe('TwoFactorStack variants (stub code)', () => {
  const smsRoute: Route = { key: 'POST /test/sms', handler: 'test/send-sms', access: 'user', tag: 'test', summary: 'fixture', sms: true, table: 'read' };
  let stack: TwoFactorStack;
  let template: Template;
  let app: App;

  beforeAll(() => {
    app = newApp({
      deletionProtection: 'false',
      corsOrigins: 'https://app.example.com, https://admin.example.com',
      logLevel: 'debug',
      smsSenderId: 'TwoFactor',
      smsAllowedCountryCodes: '45,46',
      environment: '{"SESSION_IDLE_TTL":"1800"}',
    });
    const props = stackPropsFromContext(app);
    stack = new TwoFactorStack(app, 'Variant', {
      ...props,
      routes: [['POST /test/sms', smsRoute]],
      codeOverride: stubCode,
    });
    template = Template.fromStack(stack);
  });

  test('an sms route may publish SMS to phone numbers only: Allow sns:Publish on *, Deny on every SNS ARN', () => {
    const statements = Object.values(mergedResources(stack))
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    expectSmsOnly(statements.filter((s) => asList(s.Action).includes('sns:Publish')));
  });

  test('the sms wildcard is the only IAM5 finding, and it is acknowledged with a reason', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    const role = stack.functions.get('POST /test/sms')!.role;
    const acks = role.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, string>);
    const ids = Object.keys(Object.assign({}, ...acks)).map((id) => id.replace(/^annotation::/i, ''));
    expect(ids).toEqual(['AwsSolutions-IAM5[Resource::*]']);
  });

  test('deletionProtection=false: unprotected table, no termination protection, everything destroyed with the stack', () => {
    const data = Template.fromStack(stack.data);
    expect(stack.data.terminationProtection).toBe(false);
    data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
    data.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    for (const logGroup of Object.values(mergedResources(stack)).filter((r) => r.Type === 'AWS::Logs::LogGroup')) {
      expect(logGroup.DeletionPolicy).toBe('Delete');
    }
  });

  test('corsOrigins, logLevel, SMS settings and extra environment from context', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        AllowHeaders: ['authorization', 'content-type', 'x-zitadel-orgid', ...RPC_REQUEST_HEADERS],
        ExposeHeaders: ['retry-after', 'grpc-status', 'grpc-message', 'grpc-status-details-bin'],
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          LOG_LEVEL: 'DEBUG',
          SMS_SENDER: 'sns',
          SMS_SENDER_ID: 'TwoFactor',
          SMS_ALLOWED_COUNTRY_CODES: '45,46',
          SESSION_IDLE_TTL: '1800',
        }),
      },
      LoggingConfig: Match.objectLike({ ApplicationLogLevel: 'DEBUG' }),
    });
  });
});

describe('a deployment that keeps fitting: every stack under 400 resources (CloudFormation allows 500)', () => {
  const LIMIT = 400;
  /** Resources per template: the parent's and each route group's. */
  function counts(routeTable: ReadonlyArray<readonly [string, Route]>): Record<string, number> {
    const { stack } = buildApp(newApp(), { routes: routeTable, codeOverride: stubCode });
    const count = (s: Stack) => Object.keys(Template.fromStack(s).toJSON().Resources).length;
    return Object.fromEntries([[stack.node.id, count(stack)], ...stack.routeGroups.map((g) => [g.node.id, count(g)] as const)]);
  }

  test('the route table as it is', () => {
    const perStack = counts(routes);
    expect(Object.entries(perStack).filter(([, n]) => n > LIMIT)).toEqual([]);
    // Each route costs 7 (function, role, policy, log group, integration, route, permission).
    expect(Object.values(perStack).reduce((a, b) => a + b, 0)).toBeGreaterThan(routes.length * 7);
  }, 120_000);

  test('the route table padded to 150 routes (synthetic entries reusing the health handler)', () => {
    const health = routes.find(([key]) => key === 'GET /health')![1];
    const padded = [
      ...routes,
      ...Array.from({ length: 150 - routes.length }, (_, i) => [`GET /padding/p${i}`, { ...health, tag: 'padding' }] as const),
    ];
    const perStack = counts(padded);
    expect(Object.entries(perStack).filter(([, n]) => n > LIMIT)).toEqual([]);
    expect(Object.values(perStack).reduce((a, b) => a + b, 0)).toBeGreaterThan(150 * 7);
    // 111 routes of one tag split in groups of MAX_ROUTES_PER_GROUP.
    expect(Object.keys(perStack).filter((id) => id.startsWith('RoutesPadding'))).toEqual(['RoutesPadding', 'RoutesPadding2', 'RoutesPadding3']);
  }, 240_000);
});

describe('a bad deployment fails at synth, not at the first request', () => {
  const placeholders = { issuer: cdkJsonContext.issuer, webauthnRpId: cdkJsonContext.webauthnRpId, webauthnOrigins: cdkJsonContext.webauthnOrigins };
  const health = routes.filter(([key]) => key === 'GET /health');
  const synth = (context: Record<string, unknown>) => buildApp(newApp(context), { routes: health, codeOverride: stubCode }).stack;

  test('cdk.json\'s example.com placeholders for issuer and WebAuthn are an error', () => {
    expect(String(cdkJsonContext.issuer)).toContain('example.com');
    expect(() => synth(placeholders)).toThrow(/issuer \/ webauthnRpId \/ webauthnOrigins still name example\.com.*-c local=true/);
    // Any one of the three is enough.
    expect(() => synth({ webauthnOrigins: 'https://auth.example.com' })).toThrow(/example\.com/);
  });

  test('with -c local=true (a template for sam local) they are only a warning', () => {
    const stack = synth({ ...placeholders, local: 'true' });
    Annotations.fromStack(stack).hasWarning('/TwoFactorStack', Match.stringLikeRegexp('example\\.com'));
  });

  // Each function's environment goes through the schema the function loads at cold start.
  test.each([
    ['SESSION_IDLE_TTL=30m', { environment: '{"SESSION_IDLE_TTL":"30m"}' }, /environment is invalid.*SESSION_IDLE_TTL: Invalid input/],
    ['an SMS sender id over 11 characters', { smsSenderId: 'TwoFactorService' }, /SMS_SENDER_ID: must be 1-11 letters or digits/],
    ['an origination number that is not E.164', { smsOriginationNumber: '0045 1234' }, /SMS_ORIGINATION_NUMBER: must be an E\.164 number/],
    ['SMS templates without {code}', { environment: '{"SMS_TEMPLATES":"{\\"en\\":\\"hello\\"}"}' }, /SMS_TEMPLATES/],
    ['IMPERSONATION_TTL over 30 minutes', { environment: '{"IMPERSONATION_TTL":"7200"}' }, /IMPERSONATION_TTL/],
  ])('%s fails the synth, naming the variable', (_name, context, message) => {
    expect(() => synth(context)).toThrow(message);
  });

  test('SMS routes without an explicit list of allowed countries fail the synth; "all" is explicit too', () => {
    const build = (context: Record<string, unknown>) => buildApp(newApp(context), { routes, codeOverride: stubCode });
    expect(() => build({ smsAllowedCountryCodes: '' })).toThrow(/SMS is on \(.*POST \/api\/two-factor\/send-verification.*\): set smsAllowedCountryCodes/);
    expect(() => build({ smsAllowedCountryCodes: 'all,45' })).toThrow(/"all" stands alone/);
    // Without SMS routes nothing is asked.
    expect(() => synth({ smsAllowedCountryCodes: '' })).not.toThrow();
  }, 120_000);

  test('a valid setting synthesizes', () => {
    expect(() => synth({ environment: '{"SESSION_IDLE_TTL":"1800"}', smsSenderId: 'TwoFactor' })).not.toThrow();
  });
});

describe('context parsing', () => {
  const propsFor = (context: Record<string, unknown>) => stackPropsFromContext(new App({ context }));

  test('defaults: protected, INFO, no CORS', () => {
    expect(propsFor({})).toMatchObject({ deletionProtection: undefined, logLevel: 'INFO', corsOrigins: undefined });
  });

  test('strings from -c and JSON values from cdk.json', () => {
    expect(propsFor({ deletionProtection: 'false' }).deletionProtection).toBe(false);
    expect(propsFor({ deletionProtection: true }).deletionProtection).toBe(true);
    expect(propsFor({ webauthnOrigins: 'https://a.example, https://b.example' }).webauthnOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(propsFor({ webauthnOrigins: ['https://a.example'] }).webauthnOrigins).toEqual(['https://a.example']);
    expect(propsFor({ corsOrigins: '' }).corsOrigins).toEqual([]);
    expect(propsFor({ issuer: '  ' }).issuer).toBeUndefined();
  });

  test('bad values fail the synth with the name of the value', () => {
    expect(() => propsFor({ deletionProtection: 'nope' })).toThrow(/deletionProtection/);
    expect(() => propsFor({ logLevel: 'LOUD' })).toThrow(/logLevel/);
    expect(() => propsFor({ environment: '[1]' })).toThrow(/environment/);
    expect(() => propsFor({ environment: '{nope' })).toThrow(/environment/);
    expect(propsFor({ environment: { SCRYPT_LOG_N: 17 } }).extraEnvironment).toEqual({ SCRYPT_LOG_N: '17' });
  });

  test('a secrets route without table access is refused (the wrapped data key is in the table)', () => {
    const route: Route = { key: 'GET /x', handler: 'x/y', access: 'user', tag: 't', summary: 's', secrets: true, table: 'none' };
    expect(() => new TwoFactorStack(newApp(), 'Bad', { ...domain, routes: [['GET /x', route]], codeOverride: stubCode })).toThrow(
      /GET \/x/,
    );
  });

  test('extra environment cannot override what the stack wires', () => {
    const app = newApp();
    expect(
      () => new TwoFactorStack(app, 'Bad', { ...domain, extraEnvironment: { KMS_KEY_ID: 'x' }, routes: [], codeOverride: stubCode }),
    ).toThrow(/KMS_KEY_ID/);
  });

  test('architecture and operator role from context', () => {
    expect(propsFor({ architecture: 'x86_64' }).architecture).toBe('x86_64');
    expect(() => propsFor({ architecture: 'x86' })).toThrow(/architecture/);
    expect(propsFor({ operatorRoleArn: 'arn:aws:iam::123456789012:role/ops' }).operatorRoleArn).toBe('arn:aws:iam::123456789012:role/ops');
  });

  test('the operator role may use the data key, with its encryption context', () => {
    const stack = new TwoFactorStack(newApp(), 'Ops', { ...domain, routes: [], codeOverride: stubCode, operatorRoleArn: 'arn:aws:iam::123456789012:role/ops' });
    const policy = Template.fromStack(stack.data).findResources('AWS::KMS::Key');
    const statements = Object.values(policy)[0]!.Properties.KeyPolicy.Statement as Statement[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'OperatorUsesTheDataKey',
        Principal: { AWS: 'arn:aws:iam::123456789012:role/ops' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'twofactor-data-key' } },
      }),
    );
  });

  test('operations context: alarm email and thresholds, SMS spend limit, rollout, tracing', () => {
    expect(
      propsFor({ alarmEmail: 'ops@acme.test', alarmThresholds: '{"lockouts":50,"loginP99Ms":"2000"}', smsMonthlySpendLimit: '250', rollout: 'linear', tracing: 'off' }),
    ).toMatchObject({
      alarmEmail: 'ops@acme.test',
      alarmThresholds: { lockouts: 50, loginP99Ms: 2000 },
      smsMonthlySpendLimitUsd: 250,
      rollout: 'linear',
      tracing: 'off',
    });
    expect(() => propsFor({ alarmThresholds: '{"nope":1}' })).toThrow(/alarmThresholds: no threshold nope/);
    expect(() => propsFor({ alarmThresholds: '{"lockouts":"many"}' })).toThrow(/alarmThresholds.lockouts/);
    expect(() => propsFor({ smsMonthlySpendLimit: '-1' })).toThrow(/smsMonthlySpendLimit/);
    expect(() => propsFor({ rollout: 'yolo' })).toThrow(/rollout must be one of canary, linear, all-at-once/);
    expect(() => propsFor({ tracing: 'some' })).toThrow(/tracing/);
  });

  test('stack name from context', () => {
    expect(stackNameFromContext(new App())).toBe('TwoFactorStack');
    expect(stackNameFromContext(new App({ context: { stackName: 'TwoFactorStaging' } }))).toBe('TwoFactorStaging');
  });
});
