/**
 * The security notifier in AWS: an EventBridge rule on the security-event bus (infra/constructs/
 * security-events.ts) matching the audit actions a notice is sent for, targeting one function
 * (functions/events/security-notification.ts; not an API route). Its role holds only what a notice
 * needs: read the user's profile, the org's policy and the wrapped data key; unwrap the data key
 * (the mail limits count by a keyed hash of the address); count the mail limits; claim the event's
 * notice; send from the one SES identity.
 *
 * Delivery: EventBridge retries invoking the function (throttling, an unavailable Lambda) for up to
 * a day, and Lambda retries a failed invocation (the email could not be sent) twice; what still
 * fails lands in an encrypted dead-letter queue, whose alarm says so (infra/constructs/operations.ts).
 */
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NOTICE_ACTIONS, SECURITY_EVENT_SOURCE } from '../../shared/model/security-event';
import { keys } from '../../shared/store/keys';
import { validateEnvironment } from './endpoint-function';
import { functionCode } from './function-bundling';

/** The handler (functions/<handler>.ts). */
export const SECURITY_NOTIFIER_HANDLER = 'events/security-notification';
/** Lambda's retries of a failed invocation (its maximum). */
export const NOTIFIER_RETRY_ATTEMPTS = 2;
/** EventBridge's retries of an invocation Lambda refused, within a day. */
export const RULE_RETRY_ATTEMPTS = 10;

/** Every partition of one kind: `USER#12` → `USER#*` (dynamodb:LeadingKeys takes StringLike patterns). */
const anyOf = (pk: string) => pk.replace(/#[^#]*$/, '#*');

export interface SecurityNotifierProps {
  readonly bus: events.IEventBus;
  readonly table: dynamodb.ITableV2;
  readonly dataKey: kms.IKey;
  /** The KMS encryption context of the wrapped data key: the Decrypt grant requires it. */
  readonly encryptionContext: Readonly<Record<string, string>>;
  /** The SES identity (ARN) notices are sent from. */
  readonly emailIdentityArn: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly rolePath: string;
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly applicationLogLevel: lambda.ApplicationLogLevel;
  /** Tests only: code instead of the bundle. */
  readonly code?: lambda.Code;
}

export class SecurityNotifier extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SecurityNotifierProps) {
    super(scope, id);
    validateEnvironment(SECURITY_NOTIFIER_HANDLER, props.environment);
    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Security notifier: one email per security event that calls for a notice',
      path: props.rolePath,
    });
    logGroup.grantWrite(this.role);
    const table = props.table.tableArn;
    const leadingKeys = (...patterns: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns } });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadUserPolicyDataKey',
        actions: ['dynamodb:GetItem'],
        resources: [table],
        conditions: leadingKeys(anyOf(keys.user(0).pk), anyOf(keys.policy(0).pk), keys.dataKey().pk),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'MailLimits',
        actions: ['dynamodb:UpdateItem'],
        resources: [table],
        // shared/mail/send.ts: the scopes mail-recipient-hour, mail-recipient-day, mail-org-hour.
        conditions: leadingKeys(`${keys.rate('mail', '', 0).pk.split('#')[0]}#mail-*`),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'NoticeClaims',
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [table],
        conditions: leadingKeys(anyOf(keys.notice('event').pk)),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DataKey',
        actions: ['kms:Decrypt'],
        resources: [props.dataKey.keyArn],
        conditions: {
          StringEquals: Object.fromEntries(Object.entries(props.encryptionContext).map(([name, value]) => [`kms:EncryptionContext:${name}`, value])),
        },
      }),
    );
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EmailSend', actions: ['ses:SendEmail'], resources: [props.emailIdentityArn] }));

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the security notifier (rule target and failed invocations): it holds ' +
        'events whose notice could not be sent after the retries, for an operator; its alarm says when it is not empty.',
    });
    const common = {
      description: 'Security notifier: emails the user when their account security changes (README: Security notifications)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role: this.role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.applicationLogLevel,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { ...props.environment },
      retryAttempts: NOTIFIER_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(6),
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    };
    this.function = new lambda.Function(this, 'Function', {
      ...common,
      code: props.code ?? functionCode(SECURITY_NOTIFIER_HANDLER),
      handler: 'index.handler',
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'Security events that call for a notice to the user -> the security notifier',
      eventBus: props.bus,
      eventPattern: { source: [SECURITY_EVENT_SOURCE], detailType: [...NOTICE_ACTIONS] },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        retryAttempts: RULE_RETRY_ATTEMPTS,
        maxEventAge: Duration.hours(24),
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
  }
}
