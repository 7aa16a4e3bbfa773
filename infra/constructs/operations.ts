/**
 * Running the service: the alarms, where they go (an SNS topic, optionally an email), one
 * CloudWatch dashboard, and the gradual rollout of the auth routes (a `live` alias shifted by
 * CodeDeploy, rolled back by their alarms). README "Operations" says what each alarm means and what
 * to do about it; the thresholds are context values (infra/app.ts).
 *
 * The auth routes are the ones every sign-in goes through: they get the alias and deployment group,
 * X-Ray tracing (by default), API Gateway detailed (per-route, paid) metrics and alarms of their
 * own. Every other route switches at once, as before.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, MetricName } from '../../shared/model/metric-names';
import type { EndpointFunction } from './endpoint-function';

/** The routes every sign-in passes: gradual rollout, tracing, detailed metrics and alarms of their own. */
export const AUTH_ROUTES = [
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /2fa/authenticate',
  'POST /2fa/webauthn/options',
  'POST /api/auth/passkey/options',
  'POST /api/auth/passkey',
  'GET /.well-known/jwks.json',
] as const;

/** Routes with a p99 duration alarm, and its threshold's name in AlarmThresholds. */
export const LATENCY_ALARMS = {
  'POST /api/auth/login': 'loginP99Ms',
  'POST /2fa/authenticate': 'authenticateP99Ms',
} as const;

export interface AlarmThresholds {
  /** 5xx answers in percent of the API's requests over 5 minutes (from 20 requests on). */
  readonly api5xxPercent: number;
  /** Function errors (crashes, timeouts) of one auth route in a minute. */
  readonly authErrors: number;
  /** Throttled invocations of one auth route in a minute. */
  readonly authThrottles: number;
  /** p99 duration of POST /api/auth/login, ms (password hashing dominates). */
  readonly loginP99Ms: number;
  /** p99 duration of POST /2fa/authenticate, ms. */
  readonly authenticateP99Ms: number;
  /** Throttled DynamoDB requests in 5 minutes. */
  readonly dynamoThrottles: number;
  /** DynamoDB system errors (HTTP 500 from the service) in 5 minutes. */
  readonly dynamoSystemErrors: number;
  /** SMS spend this month, percent of the account's monthly limit. */
  readonly smsSpendPercent: number;
  /** Second-factor lockouts in 5 minutes (service-wide): guessing at scale. */
  readonly lockouts: number;
  /** Refresh tokens replayed after rotation in 5 minutes: stolen tokens in use. */
  readonly refreshReuse: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  api5xxPercent: 1,
  authErrors: 3,
  authThrottles: 10,
  loginP99Ms: 1500,
  authenticateP99Ms: 1000,
  dynamoThrottles: 10,
  dynamoSystemErrors: 1,
  smsSpendPercent: 80,
  lockouts: 20,
  refreshReuse: 5,
};

/** The rollout of an auth route's new version. */
export type RolloutKind = 'canary' | 'linear' | 'all-at-once';
const DEPLOYMENT_CONFIGS: Record<RolloutKind, codedeploy.ILambdaDeploymentConfig> = {
  canary: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  linear: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  'all-at-once': codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
};

export interface OperationsProps {
  /** Also sent every alarm and its recovery (a subscription to confirm). @default none */
  readonly alarmEmail?: string;
  readonly thresholds: AlarmThresholds;
  /** The account's SMS spend limit (USD a month); the SMS spend alarm is its smsSpendPercent. @default no SMS alarm */
  readonly smsMonthlySpendLimitUsd?: number;
  readonly rollout: RolloutKind;
  /** IAM path of the deployment's roles (the CodeDeploy roles too). */
  readonly rolePath: string;
}

/** An auth route's rollout: its alias (what the API calls) and what rolls it back. */
export interface GuardedRoute {
  readonly routeKey: string;
  readonly endpoint: EndpointFunction;
  readonly alias: lambda.Alias;
  readonly alarms: cw.Alarm[];
  readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
}

/** The DynamoDB operations the service calls (the repositories). */
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

const minute = Duration.minutes(1);
const fiveMinutes = Duration.minutes(5);

export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cw.Alarm[] = [];
  readonly guarded: GuardedRoute[] = [];
  dashboard?: cw.Dashboard;
  private readonly action: cwActions.SnsAction;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationsProps,
  ) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Two-factor service alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and the messages carry ' +
        'only alarm names, states and metric values (no user data); the topic enforces TLS (SNS3).',
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new cwActions.SnsAction(this.topic);
  }

  /** The alarm most of these are: `metric` at or over `threshold` in one period. */
  private atLeast(scope: Construct, id: string, threshold: number, metric: cw.IMetric, alarmDescription: string): cw.Alarm {
    return this.alarm(scope, id, {
      alarmDescription,
      metric,
      threshold,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  private alarm(scope: Construct, id: string, props: cw.AlarmProps): cw.Alarm {
    const alarm = new cw.Alarm(scope, id, { treatMissingData: cw.TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * An auth route behind a `live` alias that CodeDeploy shifts to each new version gradually,
   * rolling back when the route's own alarms (errors, throttles, p99 duration) go off.
   */
  guardAuthRoute(routeKey: string, endpoint: EndpointFunction): lambda.Alias {
    const scope = endpoint;
    const t = this.props.thresholds;
    const alias = new lambda.Alias(scope, 'Live', { aliasName: 'live', version: endpoint.function.currentVersion });
    const alarms = [
      this.atLeast(scope, 'ErrorsAlarm', t.authErrors, alias.metricErrors({ period: minute, statistic: cw.Stats.SUM }),
        `${routeKey}: function errors (crashes, timeouts) ≥ ${t.authErrors} in a minute`),
      this.atLeast(scope, 'ThrottlesAlarm', t.authThrottles, alias.metricThrottles({ period: minute, statistic: cw.Stats.SUM }),
        `${routeKey}: throttled invocations ≥ ${t.authThrottles} in a minute`),
    ];
    const latency = LATENCY_ALARMS[routeKey as keyof typeof LATENCY_ALARMS];
    if (latency) {
      alarms.push(
        this.alarm(scope, 'P99DurationAlarm', {
          alarmDescription: `${routeKey}: p99 duration > ${t[latency]} ms in 2 of 3 minutes`,
          metric: alias.metricDuration({ period: minute, statistic: cw.Stats.p(99) }),
          threshold: t[latency],
          comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
        }),
      );
    }
    const role = new iam.Role(scope, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: `${routeKey}: CodeDeploy shifts the live alias`,
      path: this.props.rolePath,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        'CodeDeploy is assumed with its own service-role policy for Lambda (AWSCodeDeployRoleForLambdaLimited: update ' +
        'aliases, invoke hooks named CodeDeployHook_*, read alarms), kept current by AWS; only codedeploy.amazonaws.com assumes it.',
    });
    const deploymentGroup = new codedeploy.LambdaDeploymentGroup(scope, 'Deployment', {
      alias,
      role,
      deploymentConfig: DEPLOYMENT_CONFIGS[this.props.rollout],
      alarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    this.guarded.push({ routeKey, endpoint, alias, alarms, deploymentGroup });
    return alias;
  }

  /**
   * A dead-letter queue that is not empty: something was given up on after its retries (a security
   * notice that could not be sent). An operator reads the messages, fixes the cause and redrives.
   */
  watchDeadLetters(scope: Construct, id: string, queue: sqs.IQueue, what: string): cw.Alarm {
    return this.alarm(scope, id, {
      alarmDescription: `${what}: messages in the dead-letter queue (retries exhausted)`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: cw.Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** The service-wide alarms and the dashboard, once the routes exist. */
  finish(props: { api: apigw.HttpApi; table: dynamodb.ITableV2; sms: boolean; dashboardName: string }): void {
    const t = this.props.thresholds;
    const requests = props.api.metricCount({ period: fiveMinutes, statistic: cw.Stats.SUM });
    const serverErrors = props.api.metricServerError({ period: fiveMinutes, statistic: cw.Stats.SUM });
    const errorRate = new cw.MathExpression({
      label: '5xx %',
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: fiveMinutes,
    });
    const api5xx = this.alarm(this, 'Api5xxRateAlarm', {
      alarmDescription: `API: 5xx answers > ${t.api5xxPercent}% of requests over 5 minutes`,
      metric: errorRate,
      threshold: t.api5xxPercent,
      comparisonOperator: cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    // Table-wide throttle events (reads and writes, the GSI's included), and system errors of the
    // operations the service calls (an alarm's expression may hold at most 10 metrics).
    const throttled = new cw.MathExpression({
      label: 'throttled requests',
      expression: 'reads + writes',
      usingMetrics: {
        reads: props.table.metric('ReadThrottleEvents', { period: fiveMinutes, statistic: cw.Stats.SUM }),
        writes: props.table.metric('WriteThrottleEvents', { period: fiveMinutes, statistic: cw.Stats.SUM }),
      },
      period: fiveMinutes,
    });
    const systemErrors = props.table.metricSystemErrorsForOperations({ period: fiveMinutes, operations: TABLE_OPERATIONS });
    this.atLeast(this, 'TableThrottlesAlarm', t.dynamoThrottles, throttled, `DynamoDB: throttled requests ≥ ${t.dynamoThrottles} in 5 minutes`);
    this.atLeast(this, 'TableSystemErrorsAlarm', t.dynamoSystemErrors, systemErrors,
      `DynamoDB: system errors ≥ ${t.dynamoSystemErrors} in 5 minutes`);
    const business = (name: string) =>
      new cw.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: METRICS_SERVICE }, statistic: cw.Stats.SUM, period: fiveMinutes });
    this.atLeast(this, 'LockoutsAlarm', t.lockouts, business(MetricName.lockouts),
      `Second-factor lockouts ≥ ${t.lockouts} in 5 minutes: someone guessing codes at scale`);
    this.atLeast(this, 'RefreshReuseAlarm', t.refreshReuse, business(MetricName.refreshTokenReuse),
      `Refresh tokens replayed after rotation ≥ ${t.refreshReuse} in 5 minutes: stolen tokens in use`);
    const smsSpend = new cw.Metric({ namespace: 'AWS/SNS', metricName: 'SMSMonthToDateSpentUSD', statistic: cw.Stats.MAXIMUM, period: Duration.hours(1) });
    if (props.sms && this.props.smsMonthlySpendLimitUsd !== undefined) {
      const threshold = Math.round(this.props.smsMonthlySpendLimitUsd * t.smsSpendPercent) / 100;
      this.atLeast(this, 'SmsSpendAlarm', threshold, smsSpend,
        `SMS spend this month ≥ ${t.smsSpendPercent}% of the account's ${this.props.smsMonthlySpendLimitUsd} USD limit: at the limit SNS stops sending codes`);
    }

    const search = (name: string, dimensions: string[], label: string) =>
      new cw.MathExpression({
        expression: `SEARCH('{${[METRICS_NAMESPACE, ...dimensions].join(',')}} MetricName="${name}"', 'Sum', 300)`,
        label,
        period: fiveMinutes,
      });
    const dashboard = new cw.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(3) });
    dashboard.addWidgets(new cw.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    dashboard.addWidgets(
      new cw.GraphWidget({ title: 'API requests and 5xx', left: [requests, serverErrors], right: [errorRate], width: 12 }),
      new cw.GraphWidget({ title: 'API 5xx rate', left: [api5xx.metric], leftAnnotations: [api5xx.toAnnotation()], width: 12 }),
    );
    for (const route of this.guarded) {
      dashboard.addWidgets(
        new cw.GraphWidget({
          title: `${route.routeKey}: invocations, errors, throttles`,
          left: [route.alias.metricInvocations({ period: minute }), route.alias.metricErrors({ period: minute }), route.alias.metricThrottles({ period: minute })],
          width: 12,
        }),
        new cw.GraphWidget({
          title: `${route.routeKey}: duration p50 / p99`,
          left: [route.alias.metricDuration({ period: minute, statistic: cw.Stats.p(50) }), route.alias.metricDuration({ period: minute, statistic: cw.Stats.p(99) })],
          width: 12,
        }),
      );
    }
    dashboard.addWidgets(
      new cw.GraphWidget({ title: 'DynamoDB throttles and system errors', left: [throttled, systemErrors], width: 12 }),
      new cw.GraphWidget({
        title: 'DynamoDB consumed capacity',
        left: [props.table.metricConsumedReadCapacityUnits({ period: fiveMinutes }), props.table.metricConsumedWriteCapacityUnits({ period: fiveMinutes })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cw.GraphWidget({ title: 'Logins by outcome and method', left: [search(MetricName.logins, ['method', 'outcome', 'service'], '')], width: 12 }),
      new cw.GraphWidget({
        title: 'Second-factor failures, lockouts, refresh-token reuse, impersonations',
        left: [MetricName.secondFactorFailures, MetricName.lockouts, MetricName.refreshTokenReuse, MetricName.impersonationsStarted].map(business),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cw.GraphWidget({
        title: 'SMS and email sent / refused (by reason)',
        left: [business(MetricName.smsSent), business(MetricName.emailSent)],
        right: [search(MetricName.smsRefused, ['reason', 'service'], 'SMS refused'), search(MetricName.emailRefused, ['reason', 'service'], 'email refused')],
        width: 12,
      }),
      new cw.SingleValueWidget({ title: 'SMS spend this month (USD)', metrics: [smsSpend], width: 12 }),
    );
    this.dashboard = dashboard;
  }
}

