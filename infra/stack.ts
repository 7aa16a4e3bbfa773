/**
 * The whole service in one stack: the single table, the KMS key that wraps the data key, one
 * function per route-table entry and one HTTP API route each. Everything is derived from
 * functions/routes.ts and infra/table.ts; nothing here lists a route.
 */
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routeEntries, splitRouteKey, type Route, type RouteKey } from '../functions/routes';
import { KMS_ENCRYPTION_CONTEXT } from '../shared/crypto/key-provider';
import { constructIdFor, EndpointFunction } from './constructs/endpoint-function';
import { tableDefinition } from './table';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface TwoFactorStackProps extends StackProps {
  /**
   * Table deletion protection and RETAIN removal of the table, the KMS key and the log groups.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * `iss` of issued tokens. The API's URL is not known at synth time: set the public URL clients use.
   * @default 'https://auth.example.com'
   */
  readonly issuer?: string;
  /** @default 'twofactor-api' */
  readonly audience?: string;
  /** Shown in authenticator apps (TOTP issuer label). @default 'TwoFactor' */
  readonly appName?: string;
  /** WebAuthn relying party ID (a registrable domain). @default 'auth.example.com' */
  readonly webauthnRpId?: string;
  /** Origins WebAuthn ceremonies may come from. @default ['https://auth.example.com'] */
  readonly webauthnOrigins?: readonly string[];
  /** SMS_SENDER_ID (alphanumeric sender ID, where the destination country supports it). @default none */
  readonly smsSenderId?: string;
  /** SMS_ORIGINATION_NUMBER (E.164, an origination identity of the account). @default none */
  readonly smsOriginationNumber?: string;
  /** SMS_ALLOWED_COUNTRY_CODES: country calling codes SMS may go to. @default all */
  readonly smsAllowedCountryCodes?: readonly string[];
  /**
   * More configuration for every function (shared/config.ts: e.g. SESSION_IDLE_TTL, SMS_TEMPLATES).
   * Cannot override what the stack wires itself (TABLE_NAME, KMS_KEY_ID, DATA_KEY_SOURCE, SMS_SENDER, ...).
   * @default none
   */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /** Browser origins allowed by CORS. @default none (no CORS) */
  readonly corsOrigins?: readonly string[];
  /** @default 'INFO' */
  readonly logLevel?: LogLevel;
  /**
   * A template for local use only (`sam local`): the example.com placeholders for the domain
   * settings are then a warning instead of an error.
   * @default false
   */
  readonly localUse?: boolean;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
  /** Default stage throttling. @default burst 200, rate 100 requests/s */
  readonly throttle?: apigw.ThrottleSettings;
  /**
   * The routes to deploy. Tests only (e.g. a fixture route with `sms: true`).
   * @default routeEntries() from functions/routes.ts
   */
  readonly routes?: ReadonlyArray<readonly [string, Route]>;
  /**
   * Tests only: deploy this code instead of each route's esbuild bundle.
   * @default the real bundles
   */
  readonly codeOverride?: lambda.Code;
}

export const DEFAULTS = {
  issuer: 'https://auth.example.com',
  audience: 'twofactor-api',
  appName: 'TwoFactor',
  webauthnRpId: 'auth.example.com',
  webauthnOrigins: ['https://auth.example.com'],
  logLevel: 'INFO' as LogLevel,
  throttle: { burstLimit: 200, rateLimit: 100 },
} as const;

const HTTP_METHODS: Record<string, apigw.HttpMethod> = {
  GET: apigw.HttpMethod.GET,
  POST: apigw.HttpMethod.POST,
  PUT: apigw.HttpMethod.PUT,
  PATCH: apigw.HttpMethod.PATCH,
  DELETE: apigw.HttpMethod.DELETE,
  HEAD: apigw.HttpMethod.HEAD,
  OPTIONS: apigw.HttpMethod.OPTIONS,
};

export class TwoFactorStack extends Stack {
  readonly table: dynamodb.TableV2;
  readonly dataKey: kms.Key;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** By route key. */
  readonly functions: ReadonlyMap<string, EndpointFunction>;

  constructor(scope: Construct, id: string, props: TwoFactorStackProps = {}) {
    super(scope, id, {
      description: 'Two-factor authentication service: HTTP API, one Lambda per route, DynamoDB, KMS',
      ...props,
    });

    const protect = props.deletionProtection ?? true;
    const retainIfProtected = protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const logLevel = props.logLevel ?? DEFAULTS.logLevel;

    const t = tableDefinition;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: t.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: t.sortKey, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: t.gsi1.name,
          partitionKey: { name: t.gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: t.gsi1.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      timeToLiveAttribute: t.ttlAttribute,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: protect,
      removalPolicy: retainIfProtected,
    });

    this.dataKey = new kms.Key(this, 'DataKeyWrappingKey', {
      description: 'Wraps the two-factor service data key (TOTP secrets, signing keys, code and token hashes)',
      enableKeyRotation: true,
      // Losing this key loses every secret in the table.
      removalPolicy: retainIfProtected,
      pendingWindow: Duration.days(30),
    });

    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      DATA_KEY_SOURCE: 'kms',
      KMS_KEY_ID: this.dataKey.keyArn,
      TOKEN_ISSUER: props.issuer ?? DEFAULTS.issuer,
      TOKEN_AUDIENCE: props.audience ?? DEFAULTS.audience,
      APP_NAME: props.appName ?? DEFAULTS.appName,
      WEBAUTHN_RP_ID: props.webauthnRpId ?? DEFAULTS.webauthnRpId,
      WEBAUTHN_ORIGINS: (props.webauthnOrigins ?? DEFAULTS.webauthnOrigins).join(','),
      LOG_LEVEL: logLevel,
      // Direct-to-phone SMS through SNS (only `sms` routes may publish).
      SMS_SENDER: 'sns',
      ...(props.smsSenderId && { SMS_SENDER_ID: props.smsSenderId }),
      ...(props.smsOriginationNumber && { SMS_ORIGINATION_NUMBER: props.smsOriginationNumber }),
      ...(props.smsAllowedCountryCodes && { SMS_ALLOWED_COUNTRY_CODES: props.smsAllowedCountryCodes.join(',') }),
    };
    const wired = new Set([...Object.keys(environment), 'DYNAMODB_ENDPOINT', 'DATA_KEY_FILE', 'SMS_OUTBOX_FILE', 'AWS_REGION']);
    for (const [name, value] of Object.entries(props.extraEnvironment ?? {})) {
      if (wired.has(name)) throw new Error(`extraEnvironment cannot set ${name}: the stack sets it (or it only applies locally)`);
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`extraEnvironment: ${JSON.stringify(name)} is not an environment variable name`);
      environment[name] = String(value);
    }

    const corsOrigins = props.corsOrigins ?? [];
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Two-factor authentication service',
      createDefaultStage: false,
      ...(corsOrigins.length > 0 && {
        corsPreflight: {
          allowOrigins: [...corsOrigins],
          allowMethods: [apigw.CorsHttpMethod.ANY],
          // x-zitadel-orgid selects the org on the Zitadel management routes.
          allowHeaders: ['authorization', 'content-type', 'x-zitadel-orgid'],
          exposeHeaders: ['retry-after'],
          maxAge: Duration.hours(1),
        },
      }),
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: retainIfProtected });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? DEFAULTS.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: apigwAccessLogFormat(),
      },
    });

    const placeholders = [environment.TOKEN_ISSUER, environment.WEBAUTHN_RP_ID, environment.WEBAUTHN_ORIGINS].some((value) =>
      /(^|[/.])example\.com(\/|,|$)/.test(value ?? ''),
    );
    // Deployed with a placeholder, every token would carry a foreign issuer and every WebAuthn
    // ceremony would fail: that is a synth error, except for a local template (sam local).
    const placeholderMessage =
      'issuer / webauthnRpId / webauthnOrigins still name example.com: set them (cdk.json or -c) to the domain clients use';
    if (placeholders && !props.localUse) {
      throw new Error(`${placeholderMessage}, or synthesize with -c local=true for local use only.`);
    }
    if (placeholders) Annotations.of(this).addWarningV2('twofactor:placeholder-domain', `${placeholderMessage} before deploying.`);

    const functions = new Map<string, EndpointFunction>();
    for (const [key, route] of props.routes ?? routeEntries()) {
      if (route.secrets && route.table === 'none') {
        throw new Error(`Route "${key}": secrets needs table access (the wrapped data key is kept in the table)`);
      }
      const endpoint = new EndpointFunction(this, constructIdFor(route.handler), {
        routeKey: key,
        route,
        table: this.table,
        indexNames: [t.gsi1.name],
        dataKey: this.dataKey,
        encryptionContext: KMS_ENCRYPTION_CONTEXT,
        environment,
        logRetention,
        logRemovalPolicy: retainIfProtected,
        applicationLogLevel: lambda.ApplicationLogLevel[logLevel],
        code: props.codeOverride,
      });
      const { method, path } = splitRouteKey(key as RouteKey);
      const httpMethod = HTTP_METHODS[method];
      if (!httpMethod) throw new Error(`Route "${key}": unsupported method ${method}`);
      this.api.addRoutes({
        path,
        methods: [httpMethod],
        integration: new HttpLambdaIntegration(`${constructIdFor(route.handler)}Integration`, endpoint.function),
      });
      functions.set(key, endpoint);
    }
    this.functions = functions;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorization happens in each function: it verifies the bearer JWT (ES256, kid from the JWKS this API ' +
        'publishes) against the route access level from the route table. The API issues its own tokens, and its ' +
        'public routes (login, refresh, JWKS, health, OpenAPI) must stay reachable without credentials.',
    });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'KmsKeyArn', { value: this.dataKey.keyArn, description: 'Wraps the data key' });
  }
}

/** One JSON object per request: no bodies, headers or tokens, only what an operator needs. */
function apigwAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      requestTime: '$context.requestTime',
      sourceIp: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      path: '$context.path',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integration.latency',
      integrationStatus: '$context.integration.status',
      integrationError: '$context.integration.error',
      errorMessage: '$context.error.message',
    }),
  );
}
