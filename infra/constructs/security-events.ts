/**
 * Security events in AWS: the table's stream -> an EventBridge Pipe -> a custom event bus, with no
 * Lambda in between. The pipe keeps new audit items of an org only and shapes each into the
 * documented event (filter, template and target parameters: infra/security-events.ts, the same ones
 * the local follower applies). A record the bus refuses is retried, its batch halved down to the
 * record, and then kept in a dead-letter queue.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  AUDIT_INSERT_FILTER,
  DETAIL_TEMPLATE,
  DETAIL_TYPE_PATH,
  SECURITY_EVENT_SOURCE,
  TIME_PATH,
} from '../security-events';

export interface SecurityEventsProps {
  /** The table, with its stream enabled (infra/table.ts `streamViewType`). */
  readonly table: dynamodb.TableV2;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The deployment's IAM path (its roles live under it). */
  readonly rolePath: string;
}

/** Retries of a batch the bus refuses before its records go to the dead-letter queue. */
export const PIPE_MAX_RETRIES = 10;

export class SecurityEvents extends Construct {
  readonly bus: events.EventBus;
  readonly pipe: pipes.CfnPipe;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SecurityEventsProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('SecurityEvents: the table has no stream');

    this.bus = new events.EventBus(this, 'Bus', {
      description: `Security events of the two-factor service (source ${SECURITY_EVENT_SOURCE}, one per audit event)`,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS keeps a message: time to find out why the bus refused it.
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the security-events pipe: it holds stream records the event bus ' +
        'refused after the retries, and nothing reads it but an operator.',
    });
    this.logGroup = new logs.LogGroup(this, 'PipeLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });

    this.role = new iam.Role(this, 'PipeRole', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Reads the table stream and puts security events on their bus',
      path: props.rolePath,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheTableStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListStreams',
        actions: ['dynamodb:ListStreams'],
        resources: ['*'],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams has no resource-level permissions (it only lists stream ARNs, no data); every action that ' +
        'reads records is limited to this table stream.',
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'PutSecurityEvents', actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'DeadLetters', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PipeLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      description: 'Audit events of the table -> security events on their bus',
      roleArn: this.role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          // From the start of the stream's 24 hours: events written before the pipe existed are not lost.
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          maximumRetryAttempts: PIPE_MAX_RETRIES,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(AUDIT_INSERT_FILTER) }] },
      },
      target: this.bus.eventBusArn,
      targetParameters: {
        inputTemplate: DETAIL_TEMPLATE,
        eventBridgeEventBusParameters: { source: SECURITY_EVENT_SOURCE, detailType: DETAIL_TYPE_PATH, time: TIME_PATH },
      },
      logConfiguration: { level: 'ERROR', cloudwatchLogsLogDestination: { logGroupArn: this.logGroup.logGroupArn } },
    });
    // The role's policy exists before the pipe starts reading with it.
    this.pipe.node.addDependency(this.role);
  }
}
