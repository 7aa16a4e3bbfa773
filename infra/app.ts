/**
 * The CDK app: one TwoFactorStack, configured by context values (cdk.json, or `-c name=value`):
 *
 * The table and the KMS key deploy as `<stackName>Data` (termination protection), beside the stack.
 *
 * | context              | default                      | becomes                                   |
 * |----------------------|------------------------------|-------------------------------------------|
 * | `stackName`          | `TwoFactorStack`             | the CloudFormation stack name             |
 * | `deletionProtection` | `true`                       | table deletion protection; RETAIN table, KMS key, log groups |
 * | `issuer`             | `https://auth.example.com`   | TOKEN_ISSUER (`iss`); the API URL is unknown at synth time, so set the public URL clients use |
 * | `audience`           | `twofactor-api`              | TOKEN_AUDIENCE (`aud`)                    |
 * | `appName`            | `TwoFactor`                  | APP_NAME (authenticator app label)        |
 * | `webauthnRpId`       | `auth.example.com`           | WEBAUTHN_RP_ID                            |
 * | `webauthnOrigins`    | `https://auth.example.com`   | WEBAUTHN_ORIGINS (comma-separated)        |
 * | `corsOrigins`        | none                         | HTTP API CORS allowed origins (comma-separated) |
 * | `logLevel`           | `INFO`                       | LOG_LEVEL and the Lambda application log level |
 * | `smsSenderId`        | none                         | SMS_SENDER_ID                             |
 * | `smsOriginationNumber` | none                       | SMS_ORIGINATION_NUMBER (E.164)            |
 * | `smsAllowedCountryCodes` | required when SMS is on  | SMS_ALLOWED_COUNTRY_CODES (comma-separated), or `all` to allow every country deliberately |
 * | `emailFrom`          | no-reply@<domain>            | EMAIL_FROM (a verified SES identity's address) |
 * | `emailIdentity`      | the domain of emailFrom      | the only ses:SendEmail resource of `email` routes |
 * | `environment`        | none                         | more variables for every function (a JSON object, e.g. `{"SESSION_IDLE_TTL":"1800"}`) |
 * | `local`              | `false`                      | a template for local use only (`sam local`): example.com placeholders are a warning, not an error |
 * | `architecture`       | `arm64`                      | Lambda architecture; `x86_64` for `sam local` on an x86 Docker host |
 * | `operatorRoleArn`    | none                         | an IAM role the KMS key policy also lets use the data key (the `--aws` CLIs) |
 * | `frontDoor`          | `true`                       | CloudFront in front of the page and the API, WAF in the `<stackName>Edge` stack (us-east-1) |
 * | `domainName`         | none                         | the site's domain; issuer and WebAuthn settings derive from it unless set |
 * | `certificateArn`     | none                         | ACM certificate in us-east-1 for domainName (else requested in the hosted zone) |
 * | `hostedZoneId`, `hostedZoneName` | none             | Route 53 zone of domainName: certificate validation and alias records |
 * | `apiCertificateArn`  | none                         | ACM certificate for domainName in the stack's region (the API's custom domain) |
 * | `executeApiEndpoint` | `false`                      | keep the execute-api endpoint on behind CloudFront |
 * | `wafLoginLimit`, `wafTwoFactorLimit`, `wafSmsLimit` | 100, 100, 20 | WAF rate limits per client address per 5 minutes |
 * | `loginReservedConcurrency` | `20`                   | reserved concurrency of the login function (`none`: no reservation) |
 * | `alarmEmail`         | none                         | an email address subscribed to the alarm topic (confirm the subscription) |
 * | `alarmThresholds`    | see operations.ts            | a JSON object overriding alarm thresholds, e.g. `{"lockouts":50,"loginP99Ms":2000}` |
 * | `smsMonthlySpendLimit` | `1`                        | the account's SNS monthly SMS spend limit in USD (the SMS spend alarm fires at 80 % of it) |
 * | `rollout`            | `canary`                     | how auth routes take a new version: `canary` (10 %, 5 min), `linear` (10 % a minute), `all-at-once` |
 * | `tracing`            | `auth`                       | X-Ray active tracing: `auth` (the auth routes), `all`, `off` |
 *
 * Account and region come from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (the CLI's credentials).
 * cdk-nag's AWS Solutions checks run on every synth; an unsuppressed finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeEntries } from '../functions/routes';
import { DEFAULT_EDGE_RATE_LIMITS, EdgeStack, type EdgeRateLimits } from './constructs/edge-protection';
import { DEFAULT_ALARM_THRESHOLDS } from './constructs/operations';
import { DEFAULTS, type LogLevel, TwoFactorStack, type TwoFactorStackProps } from './stack';

/** Context values arrive as JSON values from cdk.json and as strings from `-c`. */
export function contextString(app: App, name: string): string | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function contextBoolean(app: App, name: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`Context value ${name} must be true or false, got ${JSON.stringify(value)}`);
}

export function contextList(app: App, name: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((item) => item.trim()).filter(Boolean);
}

export function contextObject(app: App, name: string): Record<string, string> | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`Context value ${name} must be a JSON object of strings`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Context value ${name} must be a JSON object of strings`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([key, item]) => [key, String(item)]));
}

export function contextInteger(app: App, name: string): number | undefined {
  const text = contextString(app, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`Context value ${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** WAF rate limits (requests per client address per 5 minutes) from context. */
export function edgeLimitsFromContext(app: App): EdgeRateLimits {
  return {
    login: contextInteger(app, 'wafLoginLimit') ?? DEFAULT_EDGE_RATE_LIMITS.login,
    twoFactor: contextInteger(app, 'wafTwoFactorLimit') ?? DEFAULT_EDGE_RATE_LIMITS.twoFactor,
    sms: contextInteger(app, 'wafSmsLimit') ?? DEFAULT_EDGE_RATE_LIMITS.sms,
  };
}

function contextHostedZone(app: App): TwoFactorStackProps['hostedZone'] {
  const id = contextString(app, 'hostedZoneId');
  const name = contextString(app, 'hostedZoneName');
  if ((id === undefined) !== (name === undefined)) throw new Error('Context values hostedZoneId and hostedZoneName go together');
  return id && name ? { id, name } : undefined;
}

function contextReservedConcurrency(app: App): TwoFactorStackProps['reservedConcurrency'] {
  const login = Object.keys(DEFAULTS.reservedConcurrency)[0]!;
  if (contextString(app, 'loginReservedConcurrency') === 'none') return { [login]: undefined };
  const value = contextInteger(app, 'loginReservedConcurrency');
  return value === undefined ? undefined : { [login]: value };
}

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

function contextArchitecture(app: App): 'arm64' | 'x86_64' | undefined {
  const value = contextString(app, 'architecture');
  if (value === undefined || value === 'arm64' || value === 'x86_64') return value;
  throw new Error(`Context value architecture must be arm64 or x86_64, got ${JSON.stringify(value)}`);
}

function contextThresholds(app: App): TwoFactorStackProps['alarmThresholds'] {
  const values = contextObject(app, 'alarmThresholds');
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => {
      if (!(name in DEFAULT_ALARM_THRESHOLDS)) {
        throw new Error(`Context value alarmThresholds: no threshold ${name} (one of ${Object.keys(DEFAULT_ALARM_THRESHOLDS).join(', ')})`);
      }
      const number = Number(value);
      if (!Number.isFinite(number) || number < 0) throw new Error(`Context value alarmThresholds.${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
      return [name, number];
    }),
  );
}

function contextChoice<T extends string>(app: App, name: string, choices: readonly T[]): T | undefined {
  const value = contextString(app, name);
  if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
  throw new Error(`Context value ${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
}

function contextNumber(app: App, name: string): number | undefined {
  const text = contextString(app, name);
  if (text === undefined) return undefined;
  const number = Number(text);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`Context value ${name} must be a positive number, got ${JSON.stringify(text)}`);
  return number;
}

/** Stack props from the app's context. */
export function stackPropsFromContext(app: App): TwoFactorStackProps {
  const logLevel = (contextString(app, 'logLevel') ?? DEFAULTS.logLevel).toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`Context value logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    deletionProtection: contextBoolean(app, 'deletionProtection'),
    issuer: contextString(app, 'issuer'),
    audience: contextString(app, 'audience'),
    appName: contextString(app, 'appName'),
    webauthnRpId: contextString(app, 'webauthnRpId'),
    webauthnOrigins: contextList(app, 'webauthnOrigins'),
    corsOrigins: contextList(app, 'corsOrigins'),
    smsSenderId: contextString(app, 'smsSenderId'),
    smsOriginationNumber: contextString(app, 'smsOriginationNumber'),
    smsAllowedCountryCodes: contextList(app, 'smsAllowedCountryCodes'),
    emailFrom: contextString(app, 'emailFrom'),
    emailIdentity: contextString(app, 'emailIdentity'),
    extraEnvironment: contextObject(app, 'environment'),
    logLevel,
    localUse: contextBoolean(app, 'local'),
    architecture: contextArchitecture(app),
    operatorRoleArn: contextString(app, 'operatorRoleArn'),
    frontDoor: contextBoolean(app, 'frontDoor'),
    domainName: contextString(app, 'domainName'),
    certificateArn: contextString(app, 'certificateArn'),
    hostedZone: contextHostedZone(app),
    apiCertificateArn: contextString(app, 'apiCertificateArn'),
    executeApiEndpoint: contextBoolean(app, 'executeApiEndpoint'),
    reservedConcurrency: contextReservedConcurrency(app),
    alarmEmail: contextString(app, 'alarmEmail'),
    alarmThresholds: contextThresholds(app),
    smsMonthlySpendLimitUsd: contextNumber(app, 'smsMonthlySpendLimit'),
    rollout: contextChoice(app, 'rollout', ['canary', 'linear', 'all-at-once'] as const),
    tracing: contextChoice(app, 'tracing', ['auth', 'all', 'off'] as const),
  };
}

export function stackNameFromContext(app: App): string {
  return contextString(app, 'stackName') ?? 'TwoFactorStack';
}

/** The app as `cdk synth` builds it; tests pass their own App and may override props (e.g. codeOverride). */
export function buildApp(
  app: App = new App(),
  overrides: Partial<TwoFactorStackProps> = {},
): { app: App; stack: TwoFactorStack; edge?: EdgeStack } {
  // The construct id names the template (cdk.out/TwoFactorStack.template.json); stackName the stack.
  const props: TwoFactorStackProps = { stackName: stackNameFromContext(app), ...stackPropsFromContext(app), ...overrides };
  const stack = new TwoFactorStack(app, 'TwoFactorStack', props);
  let edge: EdgeStack | undefined;
  if (stack.frontDoor) {
    // us-east-1: the web ACL (and certificate) CloudFront takes only from there; deployed first.
    edge = new EdgeStack(app, 'TwoFactorStackEdge', {
      stackName: `${stack.stackName}Edge`,
      env: { account: props.env?.account },
      limits: edgeLimitsFromContext(app),
      routes: props.routes ?? routeEntries(),
      ...(props.domainName &&
        props.hostedZone &&
        !props.certificateArn && { certificate: { domainName: props.domainName, hostedZone: props.hostedZone } }),
    });
    stack.addStackDependency(edge, 'the distribution reads the web ACL (and certificate) from its outputs');
  }
  // cdk-nag v3 is a policy-validation plugin (v2 was an Aspect); findings are acknowledged with
  // Validations.of(construct).acknowledge(...), and written to the template's Metadata (cdk_nag) for audit.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { app, stack, edge };
}

if (require.main === module) {
  buildApp().app.synth();
}
