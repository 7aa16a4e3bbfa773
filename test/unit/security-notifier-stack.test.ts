/**
 * The security notifier in the stack: the rule on the security-event bus matching the actions a
 * notice is sent for, its one target (the notifier function, not an API route) with retries and a
 * dead-letter queue, the alarm on that queue, and a role with only what a notice needs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { NOTIFIER_RETRY_ATTEMPTS, RULE_RETRY_ATTEMPTS } from '../../infra/constructs/security-notifier';
import { TwoFactorStack } from '../../infra/stack';
import { noticeOf } from '../../shared/identity/security-notifications';
import { NOTICE_ACTIONS, SECURITY_EVENT_SOURCE } from '../../shared/model/security-event';

type Json = Record<string, any>;
const ROOT = join(__dirname, '..', '..');
const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const domain = { issuer: 'https://auth.acme.test', webauthnRpId: 'acme.test', webauthnOrigins: ['https://app.acme.test'] };

let outdir: string;
let app: App;
let stack: TwoFactorStack;
let template: Template;
let resources: Record<string, Json>;
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'twofactor-cdk-'));
  app = new App({ outdir, context });
  stack = new TwoFactorStack(app, 'Notify', {
    ...domain,
    routes: [],
    frontDoor: false,
    emailFrom: 'security@acme.test',
    codeOverride: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the security notifier in the stack', () => {
  test('every action the rule matches calls for a notice, and every notice’s action is matched', () => {
    for (const action of NOTICE_ACTIONS) expect({ action, notice: noticeOf({ action }) }).toEqual({ action, notice: expect.anything() });
    expect(noticeOf({ action: 'login.password' })).toBeUndefined();
  });

  test('a rule on the security-event bus, for the notice actions only, targets the notifier with retries and a dead-letter queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties as Json;
    expect(rule.EventPattern).toEqual({ source: [SECURITY_EVENT_SOURCE], 'detail-type': [...NOTICE_ACTIONS] });
    // The bus is the data stack's, read by a weak reference.
    expect(JSON.stringify(rule.EventBusName)).toContain('Fn::GetStackOutput');
    expect(rule.Targets).toEqual([
      {
        Id: expect.any(String),
        Arn: { 'Fn::GetAtt': [idOf(stack.securityNotifier.function), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: RULE_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: 24 * 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(stack.securityNotifier.deadLetterQueue), 'Arn'] } },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [idOf(stack.securityNotifier.function), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [idOf(stack.securityNotifier.rule), 'Arn'] },
    });
  });

  test('a failed invocation is retried by Lambda, then kept in the encrypted queue; its alarm goes to the alarm topic', () => {
    const queue = idOf(stack.securityNotifier.deadLetterQueue);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: idOf(stack.securityNotifier.function) },
      MaximumRetryAttempts: NOTIFIER_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    expect(resources[queue]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.AlarmDescription.startsWith('Security notifier'))!;
    expect(alarm.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: idOf(stack.operations.topic) }],
    });
  });

  test('the role: reads the profile, policy and data key; counts mail limits; claims notices; decrypts with the context; sends from the one identity', () => {
    const role = idOf(stack.securityNotifier.role);
    expect(resources[role]!.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: Json) => ref.Ref === role));
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement) as Json[];
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map(({ Sid, Action, Condition }) => [Sid, { Action, Condition }]));
    expect(bySid).toEqual({
      ReadUserPolicyDataKey: { Action: 'dynamodb:GetItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*', 'ORG#*', 'CONFIG'] } } },
      MailLimits: { Action: 'dynamodb:UpdateItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#mail-*'] } } },
      NoticeClaims: { Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['NOTICE#*'] } } },
      DataKey: { Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:EncryptionContext:purpose': expect.any(String) } } },
      EmailSend: { Action: 'ses:SendEmail', Condition: undefined },
    });
    const send = statements.find((s) => s.Sid === 'EmailSend')!;
    expect(JSON.stringify(send.Resource)).toContain('identity/acme.test');
    // Besides: its log group, and the dead-letter queue (Lambda's on-failure destination).
    const others = statements.filter((s) => !s.Sid).flatMap((s) => [s.Action].flat());
    expect(others.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'].sort());
  });

  test('the notifier is no API route and gets no front-door secret', () => {
    const fn = resources[idOf(stack.securityNotifier.function)]!.Properties as Json;
    expect(Object.keys(fn.Environment.Variables)).toEqual(expect.arrayContaining(['TABLE_NAME', 'EMAIL_SENDER', 'EMAIL_FROM', 'PUBLIC_URL']));
    expect(fn.Environment.Variables.ORIGIN_VERIFY_SECRET).toBeUndefined();
    expect(fn.Environment.Variables).toMatchObject({ EMAIL_SENDER: 'ses', EMAIL_FROM: 'security@acme.test' });
  });

  test('cdk-nag: clean, the dead-letter queue’s one finding acknowledged with a reason', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
