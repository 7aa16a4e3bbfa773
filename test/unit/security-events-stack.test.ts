/**
 * Security events in the stack: the table's stream, the pipe (filter, template, target parameters,
 * retries and dead letters), the bus, and a pipe role that may do only what the pipe does. The
 * pipe's template is the one the local follower renders (infra/security-events.ts), so an event
 * rendered from the synthesized template passes the JSON Schema.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { auditItem } from '../../shared/audit/events';
import { PIPE_MAX_RETRIES } from '../../infra/constructs/security-events';
import { AUDIT_INSERT_FILTER, DETAIL_TEMPLATE, renderTemplate, SECURITY_EVENT_SOURCE } from '../../infra/security-events';
import { TwoFactorStack } from '../../infra/stack';
import { validateSecurityEvent } from '../support/security-events';

type Json = Record<string, any>;
const ROOT = join(__dirname, '..', '..');
const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const domain = { issuer: 'https://auth.acme.test', webauthnRpId: 'acme.test', webauthnOrigins: ['https://app.acme.test'] };

let outdir: string;
let app: App;
let stack: TwoFactorStack;
let template: Template;
let resources: Record<string, Json>;
const idOf = (construct: { node: { defaultChild?: unknown } } | object) =>
  stack.data.getLogicalId(((construct as { node: { defaultChild?: unknown } }).node.defaultChild ?? construct) as never);

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'twofactor-cdk-'));
  app = new App({ outdir, context });
  // No routes: the pipe does not depend on them, and bundling none keeps this quick.
  stack = new TwoFactorStack(app, 'Events', { ...domain, routes: [], frontDoor: false, codeOverride: lambda.Code.fromInline('exports.handler = async () => ({})') });
  // The table, its stream and the pipe live in the data stack.
  template = Template.fromStack(stack.data);
  resources = template.toJSON().Resources;
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const pipe = () => Object.values(template.findResources('AWS::Pipes::Pipe'))[0]!.Properties as Json;

describe('security events in the stack', () => {
  test('the table streams new images', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });

  test('the pipe reads the table stream from its start, keeps new audit items of an org only, and shapes them with the shared template', () => {
    const p = pipe();
    const table = idOf(stack.table);
    expect(p.Source).toEqual({ 'Fn::GetAtt': [table, 'StreamArn'] });
    const filter = JSON.parse(p.SourceParameters.FilterCriteria.Filters[0].Pattern);
    expect(filter).toEqual({
      eventName: ['INSERT'],
      dynamodb: { Keys: { sk: { S: [{ prefix: 'AUDIT#' }] } }, NewImage: { orgId: { N: [{ exists: true }] } } },
    });
    expect(filter).toEqual(AUDIT_INSERT_FILTER);
    expect(p.Target).toEqual({ 'Fn::GetAtt': [idOf(stack.securityEvents.bus), 'Arn'] });
    expect(p.TargetParameters).toEqual({
      InputTemplate: DETAIL_TEMPLATE,
      EventBridgeEventBusParameters: { Source: SECURITY_EVENT_SOURCE, DetailType: '$.dynamodb.NewImage.action.S', Time: '$.dynamodb.NewImage.at.S' },
    });
    expect(p.LogConfiguration).toEqual({ Level: 'ERROR', CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::GetAtt': [idOf(stack.securityEvents.logGroup), 'Arn'] } } });
  });

  test('the synthesized template renders an event the JSON Schema accepts', () => {
    const item = auditItem({ orgId: 5, action: 'mfa.locked_out', actor: { subject: { userId: 9, orgId: 5, role: 'member' }, sourceIp: '198.51.100.7' }, details: { failures: 5, hardStop: false } });
    const detail = renderTemplate(pipe().TargetParameters.InputTemplate, { dynamodb: { NewImage: marshall(item) } });
    const event = { version: '0', id: 'x', 'detail-type': item.action, source: SECURITY_EVENT_SOURCE, account: '123456789012', time: item.at, region: 'eu-west-1', resources: [], detail };
    expect(validateSecurityEvent(event) ? [] : validateSecurityEvent.errors).toEqual([]);
  });

  test('a batch the bus refuses is retried, halved to the failing record, then kept in an encrypted, TLS-only dead-letter queue', () => {
    const queue = idOf(stack.securityEvents.deadLetterQueue);
    expect(pipe().SourceParameters.DynamoDBStreamParameters).toEqual({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumRetryAttempts: PIPE_MAX_RETRIES,
      OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
    });
    expect(resources[queue]).toMatchObject({ Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 }, DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      Queues: [{ Ref: queue }],
    });
  });

  test('the pipe role: assumed by EventBridge Pipes of this account only, and allowed exactly what the pipe does', () => {
    const role = idOf(stack.securityEvents.role);
    expect(resources[role]!.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'pipes.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
    expect(resources[role]!.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: Json) => ref.Ref === role));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement.map(({ Sid, Action, Resource }: Json) => ({ Sid, Action, Resource }));
    expect(statements).toEqual([
      { Sid: 'ReadTheTableStream', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], Resource: { 'Fn::GetAtt': [idOf(stack.table), 'StreamArn'] } },
      { Sid: 'ListStreams', Action: 'dynamodb:ListStreams', Resource: '*' },
      { Sid: 'PutSecurityEvents', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [idOf(stack.securityEvents.bus), 'Arn'] } },
      { Sid: 'DeadLetters', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [idOf(stack.securityEvents.deadLetterQueue), 'Arn'] } },
      { Sid: 'PipeLogs', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [idOf(stack.securityEvents.logGroup), 'Arn'] } },
    ]);
    // The pipe starts only once its role may read the stream.
    const pipeId = Object.keys(template.findResources('AWS::Pipes::Pipe'))[0]!;
    expect(resources[pipeId]!.DependsOn).toEqual(expect.arrayContaining([role]));
  });

  test('the bus, and its name as an output', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasOutput('SecurityEventBusName', { Value: { Ref: idOf(stack.securityEvents.bus) } });
  });

  test('cdk-nag: clean, the pipe’s two findings acknowledged with reasons', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acks = (construct: { node: { metadata: Array<{ type: string; data: unknown }> } }) =>
      construct.node.metadata
        .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason }));
    const all = [...acks(stack.securityEvents.deadLetterQueue), ...acks(stack.securityEvents.role)];
    expect(all.map((a) => a.id)).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-IAM5[Resource::*]']);
    for (const a of all) expect(a.reason.length).toBeGreaterThan(40);
  });
});
