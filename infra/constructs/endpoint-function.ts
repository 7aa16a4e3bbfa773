/**
 * One endpoint's Lambda function, built from its route-table entry: the bundle (the shared esbuild
 * options), its own log group, and its own role holding exactly the permissions the entry declares
 * (`table`, `secrets`, `sms`). No managed policies: the role can write to its log group and nothing
 * else it was not given here.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUDGETS, budgetOf, FUNCTION_TIMEOUT_MARGIN_MS, type Route } from '../../functions/routes';
import { loadConfig } from '../../shared/config';
import { keys } from '../../shared/store/keys';
import { functionCode } from './function-bundling';

export const DEFAULT_MEMORY_MB = 256;
/** The route's budget plus the margin: the request answers 503 itself before Lambda would cut it off. */
export const functionTimeout = (route: Route) => Duration.millis(BUDGETS[budgetOf(route)] + FUNCTION_TIMEOUT_MARGIN_MS);

/** Table access levels as IAM actions. TransactWriteItems is authorised per item action. */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** Writes (of any API) that the key-material denial covers. */
export const TABLE_ITEM_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

/**
 * Partitions no function may write (dynamodb:LeadingKeys): the signing keys and the wrapped data
 * key. The deploy-time key resource creates them; operators rotate them with the CLIs.
 */
export const KEY_MATERIAL_PARTITIONS = [keys.signingKeysPartition, keys.dataKey().pk] as const;

export interface EndpointFunctionProps {
  /** The route-table key, e.g. `POST /api/auth/login` (for the description). */
  readonly routeKey: string;
  readonly route: Route;
  readonly table: dynamodb.ITableV2;
  /** Names of the table's global secondary indexes (read grants cover them, by name). */
  readonly indexNames: readonly string[];
  /**
   * IAM path of the role: the KMS key policy lets roles under it (and no other principal of the
   * account) use the data key.
   */
  readonly rolePath: string;
  /** The key that wraps the data key; granted only to `secrets` routes. */
  readonly dataKey: kms.IKey;
  /** KMS encryption context every wrap/unwrap uses: the KMS grants require it. */
  readonly encryptionContext: Readonly<Record<string, string>>;
  /** Environment shared by every function (TABLE_NAME, token and WebAuthn settings, ...). */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** arm64 in AWS; x86_64 only for sam local on an x86 Docker host. */
  readonly architecture: lambda.Architecture;
  /** Lambda application log level (JSON logging); matches LOG_LEVEL. */
  readonly applicationLogLevel: lambda.ApplicationLogLevel;
  /** X-Ray active tracing (infra/constructs/operations.ts: the auth routes by default). @default false */
  readonly tracing?: boolean;
  /** Reserved concurrency: the function's cap, and capacity no other function can take. @default none */
  readonly reservedConcurrency?: number;
  /** The SES identity (ARN) `email` routes send from: their only ses:SendEmail resource. */
  readonly emailIdentityArn?: string;
  /**
   * Tests only: code to deploy instead of the esbuild bundle of `functions/<handler>.ts`.
   * @default the real bundle
   */
  readonly code?: lambda.Code;
}

/** `auth/login` → `AuthLogin`: stable construct ids that do not depend on the routes' order. */
export function constructIdFor(handler: string): string {
  return handler
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The function's environment, checked at synth with the schema the function itself loads at cold
 * start (shared/config.ts): a malformed setting fails `cdk synth` naming the variable, instead of
 * making every request a 500. Values CloudFormation fills in (the table name, the key ARN) are
 * tokens here; they only need to be present.
 */
export function validateEnvironment(routeKey: string, environment: Readonly<Record<string, string>>): void {
  const literal = Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, Token.isUnresolved(value) ? 'resolved-at-deploy' : value]),
  );
  try {
    loadConfig(literal);
  } catch (error) {
    throw new Error(`${routeKey}: the function's environment is invalid. ${(error as Error).message}`);
  }
}

export class EndpointFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EndpointFunctionProps) {
    super(scope, id);
    const { route, table } = props;
    validateEnvironment(props.routeKey, props.environment);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.routeKey} (${route.handler})`,
      path: props.rolePath,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs on every log group): this function's group only.
    this.logGroup.grantWrite(this.role);

    const common: lambda.FunctionOptions & { runtime: lambda.Runtime } = {
      description: `${props.routeKey} (${route.handler})`,
      // The Node major of LAMBDA_NODE_TARGET (infra/bundling.ts); CI runs the suites on it too.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture,
      memorySize: route.memoryMb ?? DEFAULT_MEMORY_MB,
      timeout: functionTimeout(route),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.applicationLogLevel,
      // The runtime's own lines (START, END, REPORT) only when something is wrong; REPORT's
      // numbers are in the function's CloudWatch metrics anyway.
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      ...(props.tracing && { tracing: lambda.Tracing.ACTIVE }),
      // With active tracing, each AWS SDK call also becomes a subsegment (shared/store/aws-call-tracing.ts).
      environment: { ...props.environment, ...(props.tracing && { TRACE_AWS_CALLS: 'true' }) },
      reservedConcurrentExecutions: props.reservedConcurrency,
    };

    this.function = new lambda.Function(this, 'Function', { ...common, code: props.code ?? functionCode(route.handler), handler: 'index.handler' });


    this.grantTable(route.table ?? 'readwrite', table, props.indexNames);
    if (route.secrets) this.grantDataKey(props.dataKey, props.encryptionContext);
    const wildcards = [
      ...(route.sms ? [this.grantSms()] : []),
      ...(props.tracing
        ? [
            'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource ARN, so IAM ' +
              'only accepts Resource "*" (what Lambda itself grants for tracing).',
          ]
        : []),
    ];
    if (wildcards.length > 0) Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: wildcards.join(' ') });
    if (route.email) this.grantEmail(props.emailIdentityArn);
  }

  /** SES v2 SendEmail from the one sender identity (the resource SES authorises a send against). */
  private grantEmail(identityArn: string | undefined): void {
    if (!identityArn) throw new Error(`Route ${this.node.id} sends email: the stack needs an email identity`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'EmailSend', actions: ['ses:SendEmail'], resources: [identityArn] }));
  }

  private grantTable(level: 'none' | 'read' | 'readwrite', table: dynamodb.ITableV2, indexNames: readonly string[]): void {
    if (level === 'none') return;
    const indexArns = indexNames.map((name) => `${table.tableArn}/index/${name}`);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TableRead',
        actions: [...TABLE_READ_ACTIONS],
        resources: [table.tableArn, ...indexArns],
      }),
    );
    // Code execution in any handler must not be able to plant a signing key (and forge tokens) or
    // replace the data key: an explicit Deny wins over every Allow, also inside transactions.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'NoKeyMaterialWrites',
        effect: iam.Effect.DENY,
        actions: [...TABLE_ITEM_WRITE_ACTIONS],
        resources: [table.tableArn],
        conditions: { 'ForAnyValue:StringEquals': { 'dynamodb:LeadingKeys': [...KEY_MATERIAL_PARTITIONS] } },
      }),
    );
    if (level === 'readwrite') {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableWrite',
          actions: [...TABLE_WRITE_ACTIONS],
          // Indexes are not writable; writes name the table.
          resources: [table.tableArn],
        }),
      );
    }
  }

  /** Unwrap (Decrypt) the data key, which the deployment created (DataKeyBootstrap). */
  private grantDataKey(key: kms.IKey, encryptionContext: Readonly<Record<string, string>>): void {
    const condition = Object.fromEntries(
      Object.entries(encryptionContext).map(([name, value]) => [`kms:EncryptionContext:${name}`, value]),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DataKey',
        actions: ['kms:Decrypt'],
        resources: [key.keyArn],
        // Only for this service's wrapped data key, not anything else encrypted under the key.
        ...(Object.keys(condition).length > 0 && { conditions: { StringEquals: condition } }),
      }),
    );
  }

  /**
   * Direct-to-phone SMS: SNS has no resource ARN for a phone number and no condition key for it, so
   * the allow is on `*`; an explicit deny on every SNS ARN (topics, platform endpoints) narrows it
   * to direct SMS publishing. Answers why the wildcard is acceptable (the cdk-nag acknowledgement).
   */
  private grantSms(): string {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'SmsPublish', actions: ['sns:Publish'], resources: ['*'] }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SmsOnlyNoTopics',
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        resources: [`arn:${Stack.of(this).partition}:sns:*:*:*`],
      }),
    );
    return (
        'SMS sent directly to a phone number (SNS Publish with PhoneNumber) has no resource ARN and no condition key, ' +
        'so IAM only accepts Resource "*"; a Deny on arn:<partition>:sns:*:*:* in the same policy removes topics and ' +
        'platform endpoints, leaving direct SMS only.'
    );
  }
}
