/**
 * The service's functions and API: this stack holds what every route shares (the key material
 * created at deploy time, the HTTP API and its stage, the alarms and dashboard), and one nested
 * stack per route group (the route table's `tag`, at most
 * MAX_ROUTES_PER_GROUP routes each) holds that group's functions, roles, log groups and API
 * routes. Everything is derived from functions/routes.ts and infra/table.ts; nothing here lists a
 * route.
 *
 * Why nested stacks rather than separate stacks: a CloudFormation stack holds at most 500
 * resources and each route costs seven, but the route groups are no deployment units of their own.
 * Nested stacks keep one `cdk deploy`, one rollback for everything, and references passed as
 * parameters; separate stacks would pass the API through exports, which CloudFormation refuses to
 * change while another stack imports them.
 *
 * The table and the KMS key live apart, in `<stack name>Data` (infra/data-stack.ts, termination
 * protection, backups), which this stack creates beside itself and reads by weak references (stack
 * outputs, no exports): deploying or deleting the functions can never touch the data.
 */
import {
  Annotations,
  CfnOutput,
  CustomResource,
  Duration,
  Fn,
  NestedStack,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeEntries, splitRouteKey, THROTTLES, type Route, type RouteKey } from '../functions/routes';
import { KMS_ENCRYPTION_CONTEXT } from '../shared/adapters/kms-context';
import { METRICS_NAMESPACE } from '../shared/model/metric-names';
import {
  constructIdFor,
  EndpointFunction,
  KEY_MATERIAL_PARTITIONS,
  validateEnvironment,
} from './constructs/endpoint-function';
import { ACCESS_LOG_FIELDS } from './access-log';
import { EDGE_OUTPUTS, EDGE_REGION } from './constructs/edge-protection';
import { FrontDoor } from './constructs/front-door';
import { SecurityEvents } from './constructs/security-events';
import { SECURITY_NOTIFIER_HANDLER, SecurityNotifier } from './constructs/security-notifier';
import { bundleTogether, functionCode } from './constructs/function-bundling';
import { SAM_ENV_DEFAULTS } from './local/sam-env';
import { tableDefinition } from './table';
import { TwoFactorDataStack } from './data-stack';
import {
  AUTH_ROUTES,
  DEFAULT_ALARM_THRESHOLDS,
  Operations,
  type AlarmThresholds,
  type RolloutKind,
} from './constructs/operations';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Request and response headers of gRPC-web and Connect clients in a browser (CORS). */
export const RPC_REQUEST_HEADERS = ['x-grpc-web', 'x-user-agent', 'grpc-timeout', 'connect-protocol-version', 'connect-timeout-ms'];
export const RPC_RESPONSE_HEADERS = ['grpc-status', 'grpc-message', 'grpc-status-details-bin'];

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
  /**
   * SMS_ALLOWED_COUNTRY_CODES: country calling codes SMS may go to, or `['all']`. Required (a synth
   * error without it) when the routes send SMS, except for a template for local use: SMS spend is
   * fraud's favourite target (SMS pumping), so where it may go is a decision, not a default.
   */
  readonly smsAllowedCountryCodes?: readonly string[];
  /** EMAIL_FROM: the sender of invitations and reset links (a verified SES identity). @default no-reply@<domain> */
  readonly emailFrom?: string;
  /**
   * The SES identity (a domain or an address) that `email` routes may send from: their only
   * ses:SendEmail resource. @default the domain of `emailFrom`
   */
  readonly emailIdentity?: string;
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
   * An IAM role (an operator's, for `npm run bootstrap -- --aws` and `npm run rotate-signing-key -- --aws`)
   * that the KMS key policy also lets use the data key, with its encryption context.
   * @default none: only the functions and the deploy-time key resource
   */
  readonly operatorRoleArn?: string;
  /**
   * Lambda architecture. Lambda runs arm64; `x86_64` is for `sam local` on an x86 Docker host.
   * @default arm64
   */
  readonly architecture?: 'arm64' | 'x86_64';
  /**
   * A template for local use only (`sam local`): the example.com placeholders for the domain
   * settings are then a warning instead of an error.
   * @default false
   */
  readonly localUse?: boolean;
  /** Logs of an authentication service are evidence. @default three months */
  readonly logRetention?: logs.RetentionDays;
  /** Alarms and their recoveries go to this address too (a subscription to confirm). @default the topic only */
  readonly alarmEmail?: string;
  /** @default DEFAULT_ALARM_THRESHOLDS (infra/constructs/operations.ts) */
  readonly alarmThresholds?: Partial<AlarmThresholds>;
  /** The account's monthly SMS spend limit (USD): the SMS spend alarm fires at a share of it. @default 1 (the SNS default) */
  readonly smsMonthlySpendLimitUsd?: number;
  /** How a new version of an auth route takes traffic. @default 'canary' (10 %, then all after 5 minutes) */
  readonly rollout?: RolloutKind;
  /** X-Ray active tracing: the auth routes, every function, or none. @default 'auth' */
  readonly tracing?: 'auth' | 'all' | 'off';
  /** Default stage throttling. @default burst 200, rate 100 requests/s */
  readonly throttle?: apigw.ThrottleSettings;
  /**
   * CloudFront in front of the page and the API (infra/constructs/front-door.ts), with the web ACL
   * of the us-east-1 edge stack (infra/constructs/edge-protection.ts).
   * @default true, except for a template for local use
   */
  readonly frontDoor?: boolean;
  /**
   * The site's domain (e.g. `auth.example.org`): the distribution's alternate name; the issuer and
   * the WebAuthn RP ID and origin derive from it unless set. Needs `certificateArn` or `hostedZone`.
   * @default none: CloudFront's own *.cloudfront.net name
   */
  readonly domainName?: string;
  /** An ACM certificate in us-east-1 for `domainName`. @default requested by the edge stack (needs hostedZone) */
  readonly certificateArn?: string;
  /** The Route 53 hosted zone of `domainName`: certificates are DNS-validated in it and the alias records created. @default none */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /**
   * An ACM certificate for `domainName` in this stack's region, for the API's custom domain (the
   * origin CloudFront reaches once the execute-api endpoint is off).
   * @default certificateArn in us-east-1; requested in hostedZone elsewhere
   */
  readonly apiCertificateArn?: string;
  /**
   * Keep the execute-api endpoint with CloudFront in front (e.g. for server-to-server clients that
   * call the raw API). It stays on anyway without a custom domain: CloudFront needs it then.
   * @default false
   */
  readonly executeApiEndpoint?: boolean;
  /** The stack that holds the web ACL (and certificate) in us-east-1. @default `<stack name>Edge` */
  readonly edgeStackName?: string;
  /**
   * Reserved concurrency per route key: a cap no burst on that route can exceed, and capacity the
   * other routes keep. `undefined` for a route removes the reservation.
   * @default { 'POST /api/auth/login': 20 }
   */
  readonly reservedConcurrency?: Readonly<Record<string, number | undefined>>;
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
  reservedConcurrency: { 'POST /api/auth/login': 20 } as Readonly<Record<string, number | undefined>>,
} as const;

/** cdk.json's placeholders for the domain settings (an error to deploy with). */
const isPlaceholder = (value: string | undefined) => /(^|[/.])example\.com(\/|,|$)/.test(value ?? '');

const HTTP_METHODS: Record<string, apigw.HttpMethod> = {
  GET: apigw.HttpMethod.GET,
  POST: apigw.HttpMethod.POST,
  PUT: apigw.HttpMethod.PUT,
  PATCH: apigw.HttpMethod.PATCH,
  DELETE: apigw.HttpMethod.DELETE,
  HEAD: apigw.HttpMethod.HEAD,
  OPTIONS: apigw.HttpMethod.OPTIONS,
};

/** Routes per nested stack: 40 × 7 resources stays well under the 500 of a stack. */
export const MAX_ROUTES_PER_GROUP = 40;

/**
 * Route groups: by the route table's `tag`, in route-table order, a tag with more than
 * MAX_ROUTES_PER_GROUP routes split in order. Stable as routes are added: a route moves to another
 * nested stack (and so is replaced) only when its tag changes.
 */
export function routeGroups(
  entries: ReadonlyArray<readonly [string, Route]>,
  max = MAX_ROUTES_PER_GROUP,
): Array<{ id: string; routes: Array<readonly [string, Route]> }> {
  const byTag = new Map<string, Array<readonly [string, Route]>>();
  for (const entry of entries) {
    const tag = constructIdFor(entry[1].tag) || 'Default';
    byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
  }
  return [...byTag].flatMap(([tag, routes]) =>
    Array.from({ length: Math.ceil(routes.length / max) }, (_, i) => ({
      id: `Routes${tag}${i === 0 ? '' : i + 1}`,
      routes: routes.slice(i * max, (i + 1) * max),
    })),
  );
}

/** One route group: its functions (each with its own role and log group) and their API routes. */
export class RouteGroupStack extends NestedStack {}

export class TwoFactorStack extends Stack {
  /** The table, the key and the backups, in a stack of their own. */
  readonly data: TwoFactorDataStack;
  readonly table: dynamodb.TableV2;
  readonly dataKey: kms.Key;
  /** Alarms, their topic, the dashboard, the auth routes' aliases and deployment groups. */
  readonly operations: Operations;
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** The deploy-time resource that creates the data key and the first signing key. */
  readonly keyMaterial: CustomResource;
  readonly keyMaterialFunction: lambda.Function;
  /** By route key. */
  readonly functions: ReadonlyMap<string, EndpointFunction>;
  readonly routeGroups: readonly RouteGroupStack[];
  /** CloudFront, the page bucket and the origin secret (unless frontDoor is false). */
  readonly frontDoor?: FrontDoor;
  /** The table stream's pipe to the security-events bus. */
  readonly securityEvents: SecurityEvents;
  /** The bus's rule and the function that emails security notices (README: Security notifications). */
  readonly securityNotifier: SecurityNotifier;

  constructor(scope: Construct, id: string, props: TwoFactorStackProps = {}) {
    super(scope, id, {
      description: 'Two-factor authentication service: HTTP API, one Lambda per route, DynamoDB, KMS',
      ...props,
    });

    const protect = props.deletionProtection ?? true;
    const retainIfProtected = protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const logLevel = props.logLevel ?? DEFAULTS.logLevel;

    // Every role of this deployment lives under this IAM path; the key policy names the path.
    const rolePath = `/twofactor/${this.stackName}/`;
    this.data = new TwoFactorDataStack(scope, `${id}Data`, {
      stackName: `${this.stackName}Data`,
      env: props.env,
      protect,
      rolePath,
      operatorRoleArn: props.operatorRoleArn,
    });
    this.table = this.data.table;
    this.dataKey = this.data.dataKey;
    this.securityEvents = this.data.securityEvents;
    const t = tableDefinition;
    const encryptionContext = Object.fromEntries(
      Object.entries(KMS_ENCRYPTION_CONTEXT).map(([name, value]) => [`kms:EncryptionContext:${name}`, value]),
    );

    // With a custom domain, a domain setting left unset (or at cdk.json's placeholder) derives from it.
    const site = (value: string | undefined, derived: string): string | undefined =>
      props.domainName && (value === undefined || isPlaceholder(value)) ? derived : value;
    const emailFrom = props.emailFrom ?? `no-reply@${props.domainName ?? DEFAULTS.webauthnRpId}`;
    const emailIdentity = props.emailIdentity ?? emailFrom.split('@').pop()!;
    const emailIdentityArn = Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: emailIdentity });
    const environment: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      DATA_KEY_SOURCE: 'kms',
      KMS_KEY_ID: this.dataKey.keyArn,
      TOKEN_ISSUER: site(props.issuer, `https://${props.domainName}`) ?? DEFAULTS.issuer,
      TOKEN_AUDIENCE: props.audience ?? DEFAULTS.audience,
      APP_NAME: props.appName ?? DEFAULTS.appName,
      WEBAUTHN_RP_ID: site(props.webauthnRpId, props.domainName ?? '') ?? DEFAULTS.webauthnRpId,
      WEBAUTHN_ORIGINS: site(props.webauthnOrigins?.join(','), `https://${props.domainName}`) ?? DEFAULTS.webauthnOrigins.join(','),
      LOG_LEVEL: logLevel,
      // Direct-to-phone SMS through SNS (only `sms` routes may publish).
      SMS_SENDER: 'sns',
      // Business metrics as EMF lines (shared/metrics.ts); the alarms read this namespace.
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      // Email through SES v2 (only `email` routes may send, from the one identity).
      EMAIL_SENDER: 'ses',
      EMAIL_FROM: emailFrom,
      PUBLIC_URL: site(props.webauthnOrigins?.[0], `https://${props.domainName}`) ?? DEFAULTS.webauthnOrigins[0],
      ...(props.smsSenderId && { SMS_SENDER_ID: props.smsSenderId }),
      ...(props.smsOriginationNumber && { SMS_ORIGINATION_NUMBER: props.smsOriginationNumber }),
      ...(props.smsAllowedCountryCodes &&
        !props.smsAllowedCountryCodes.includes('all') && { SMS_ALLOWED_COUNTRY_CODES: props.smsAllowedCountryCodes.join(',') }),
    };
    if (props.localUse) {
      // sam local overrides only the variables a function declares: a local template declares the
      // ones that point it at DynamoDB Local and a key file (npm run sam-env writes their values).
      environment.DYNAMODB_ENDPOINT = SAM_ENV_DEFAULTS.dynamoDbEndpoint;
      environment.DATA_KEY_FILE = SAM_ENV_DEFAULTS.dataKeyFile;
    }
    const wired = new Set([...Object.keys(environment), 'ORIGIN_VERIFY_SECRET', 'FRONT_DOOR_ONLY', 'DYNAMODB_ENDPOINT', 'DATA_KEY_FILE', 'SMS_OUTBOX_FILE', 'AWS_REGION']);
    for (const [name, value] of Object.entries(props.extraEnvironment ?? {})) {
      if (wired.has(name)) throw new Error(`extraEnvironment cannot set ${name}: the stack sets it (or it only applies locally)`);
      if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`extraEnvironment: ${JSON.stringify(name)} is not an environment variable name`);
      environment[name] = String(value);
    }

    // A template for sam local has no use for CloudFront (the local gateway is its front door).
    const frontDoor = props.frontDoor ?? !props.localUse;
    // CloudFront reaches the API by a custom domain of the site's name where there is a regional
    // certificate for it; only then can the execute-api endpoint be off.
    const apiCertificateArn =
      props.apiCertificateArn ?? (this.region === EDGE_REGION && !Token.isUnresolved(this.region) ? props.certificateArn : undefined);
    const apiDomain = frontDoor && props.domainName !== undefined && (apiCertificateArn !== undefined || props.hostedZone !== undefined);
    const disableExecuteApi = apiDomain && !props.executeApiEndpoint;
    if (frontDoor && !apiDomain) {
      Annotations.of(this).addWarningV2(
        'twofactor:execute-api-reachable',
        'The execute-api endpoint stays on: CloudFront reaches the API through it until a custom domain (domainName with hostedZone or apiCertificateArn) is set. ' +
          'Requests that bypass CloudFront are still counted by their own address.',
      );
    }

    const corsOrigins = props.corsOrigins ?? [];
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Two-factor authentication service',
      createDefaultStage: false,
      disableExecuteApiEndpoint: disableExecuteApi,
      ...(corsOrigins.length > 0 && {
        corsPreflight: {
          allowOrigins: [...corsOrigins],
          allowMethods: [apigw.CorsHttpMethod.ANY],
          // x-zitadel-orgid selects the org on the Zitadel management routes; browsers' gRPC-web and
          // Connect clients send and read the protocol headers after it.
          allowHeaders: ['authorization', 'content-type', 'x-zitadel-orgid', ...RPC_REQUEST_HEADERS],
          exposeHeaders: ['retry-after', ...RPC_RESPONSE_HEADERS],
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

    if (frontDoor) {
      const edgeStack = props.edgeStackName ?? `${this.stackName}Edge`;
      const edgeOutput = (name: string) => Fn.getStackOutput(edgeStack, name, EDGE_REGION);
      if (props.domainName && !props.certificateArn && !props.hostedZone) {
        throw new Error(`domainName ${props.domainName} needs certificateArn (an ACM certificate in us-east-1) or hostedZoneId and hostedZoneName to request one`);
      }
      this.frontDoor = new FrontDoor(this, 'FrontDoor', {
        api: this.api,
        routeKeys: (props.routes ?? routeEntries()).map(([key]) => key),
        webAclArn: edgeOutput(EDGE_OUTPUTS.webAclArn),
        ...(props.domainName && {
          domain: {
            name: props.domainName,
            certificateArn: props.certificateArn ?? edgeOutput(EDGE_OUTPUTS.certificateArn),
            hostedZone: props.hostedZone,
          },
        }),
        apiDomain: apiDomain ? { certificateArn: apiCertificateArn } : undefined,
        removalPolicy: retainIfProtected,
        rolePath,
        logRetention,
      });
      if (this.frontDoor.apiDomain) {
        // The mapping names the stage by '$default', no reference: it must wait for the stage itself.
        new apigw.ApiMapping(this, 'ApiMapping', { api: this.api, domainName: this.frontDoor.apiDomain, stage: this.stage }).node.addDependency(
          this.stage,
        );
      }
      // Only requests that carry it are believed about the viewer's address (shared/http/client-address.ts).
      environment.ORIGIN_VERIFY_SECRET = this.frontDoor.originSecret.secretValue.unsafeUnwrap();
      // ...and requests without it are refused, unless the raw API is kept for direct clients.
      if (!props.executeApiEndpoint) environment.FRONT_DOOR_ONLY = 'true';
      new CfnOutput(this, 'SiteUrl', { value: this.frontDoor.url, description: 'The page and the API, behind CloudFront' });
    }

    const placeholders = [environment.TOKEN_ISSUER, environment.WEBAUTHN_RP_ID, environment.WEBAUTHN_ORIGINS].some(isPlaceholder);
    // Deployed with a placeholder, every token would carry a foreign issuer and every WebAuthn
    // ceremony would fail: that is a synth error, except for a local template (sam local).
    const placeholderMessage =
      'issuer / webauthnRpId / webauthnOrigins still name example.com: set them (cdk.json or -c) to the domain clients use';
    if (placeholders && !props.localUse) {
      throw new Error(`${placeholderMessage}, or synthesize with -c local=true for local use only.`);
    }
    if (placeholders) Annotations.of(this).addWarningV2('twofactor:placeholder-domain', `${placeholderMessage} before deploying.`);

    const architecture = props.architecture === 'x86_64' ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64;
    const applicationLogLevel = lambda.ApplicationLogLevel[logLevel];

    // Every handler this stack deploys, bundled in one esbuild run when the first is (function-bundling.ts).
    if (!props.codeOverride) {
      bundleTogether([KEY_MATERIAL_HANDLER, SECURITY_NOTIFIER_HANDLER, ...(props.routes ?? routeEntries()).map(([, route]) => route.handler)]);
    }
    ({ function: this.keyMaterialFunction, resource: this.keyMaterial } = this.createKeyMaterial({
      environment,
      rolePath,
      encryptionContext,
      architecture,
      logRetention,
      logRemovalPolicy: retainIfProtected,
      applicationLogLevel,
      code: props.codeOverride,
    }));

    const functions = new Map<string, EndpointFunction>();
    const groups: RouteGroupStack[] = [];
    const entries = props.routes ?? routeEntries();
    const smsRoutes = entries.filter(([, route]) => route.sms).map(([key]) => key);
    if (smsRoutes.length > 0 && !props.localUse && !props.smsAllowedCountryCodes?.length) {
      throw new Error(
        `SMS is on (${smsRoutes.join(', ')}): set smsAllowedCountryCodes (-c smsAllowedCountryCodes=45,46) to the country ` +
          'calling codes SMS may go to, or to "all" to allow every country deliberately.',
      );
    }
    if (props.smsAllowedCountryCodes?.includes('all') && props.smsAllowedCountryCodes.length > 1) {
      throw new Error('smsAllowedCountryCodes: "all" stands alone, not in a list of codes');
    }
    const authRoutes = new Set<string>(AUTH_ROUTES);
    const tracing = props.tracing ?? 'auth';
    this.operations = new Operations(this, 'Operations', {
      alarmEmail: props.alarmEmail,
      thresholds: { ...DEFAULT_ALARM_THRESHOLDS, ...props.alarmThresholds },
      smsMonthlySpendLimitUsd: props.smsMonthlySpendLimitUsd ?? 1,
      rollout: props.rollout ?? 'canary',
      rolePath,
    });
    for (const key of Object.keys(props.reservedConcurrency ?? {})) {
      if (!entries.some(([k]) => k === key)) throw new Error(`reservedConcurrency: no route ${key}`);
    }
    const reserved = { ...DEFAULTS.reservedConcurrency, ...props.reservedConcurrency };
    for (const group of routeGroups(entries)) {
      const scope = new RouteGroupStack(this, group.id, {
        description: `Two-factor authentication service: ${group.routes.length} routes (${group.routes[0]![1].tag})`,
      });
      // The API authorizes nothing itself; see the acknowledgement's reason.
      Validations.of(scope).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Authorization happens in each function: it verifies the bearer JWT (ES256, kid from the JWKS this API ' +
          'publishes) against the route access level from the route table. The API issues its own tokens, and its ' +
          'public routes (login, refresh, JWKS, health, OpenAPI) must stay reachable without credentials.',
      });
      for (const [key, route] of group.routes) {
        if (route.secrets && route.table === 'none') {
          throw new Error(`Route "${key}": secrets needs table access (the wrapped data key is kept in the table)`);
        }
        const id = constructIdFor(key);
        const endpoint = new EndpointFunction(scope, id, {
          routeKey: key,
          route,
          table: this.table,
          indexNames: [t.gsi1.name],
          rolePath,
          dataKey: this.dataKey,
          encryptionContext: KMS_ENCRYPTION_CONTEXT,
          environment,
          architecture,
          logRetention,
          logRemovalPolicy: retainIfProtected,
          applicationLogLevel,
          code: props.codeOverride,
          reservedConcurrency: reserved[key],
          tracing: tracing === 'all' || (tracing === 'auth' && authRoutes.has(key)),
          emailIdentityArn,
        });
        // The auth routes take a new version gradually, through their `live` alias.
        const target = authRoutes.has(key) ? this.operations.guardAuthRoute(key, endpoint) : endpoint.function;
        // Key material exists before any function can run.
        endpoint.function.node.addDependency(this.keyMaterial);
        const { method, path: routePath } = splitRouteKey(key as RouteKey);
        const httpMethod = HTTP_METHODS[method];
        if (!httpMethod) throw new Error(`Route "${key}": unsupported method ${method}`);
        new apigw.HttpRoute(scope, `${id}Route`, {
          httpApi: this.api,
          routeKey: apigw.HttpRouteKey.with(routePath, httpMethod),
          integration: new HttpLambdaIntegration(`${id}Integration`, target),
        });
        functions.set(key, endpoint);
      }
      groups.push(scope);
    }
    this.functions = functions;
    this.routeGroups = groups;

    // Per-route throttles from the route table, and detailed (per-route, paid per metric) metrics
    // for the auth routes only; the stage names routes, so it follows them.
    // RouteSettings is a plain JSON map in the CloudFormation schema: CloudFormation's own key names.
    const routeSettings = Object.fromEntries(
      entries
        .filter(([key, route]) => route.throttle || authRoutes.has(key))
        .map(([key, route]) => [
          key,
          {
            ...(route.throttle && { ThrottlingRateLimit: THROTTLES[route.throttle].rateLimit, ThrottlingBurstLimit: THROTTLES[route.throttle].burstLimit }),
            ...(authRoutes.has(key) && { DetailedMetricsEnabled: true }),
          },
        ]),
    );
    if (Object.keys(routeSettings).length > 0) {
      (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;
      this.stage.node.addDependency(...groups);
    }

    // Not a route: the front door's secret and switch are no business of it.
    const { ORIGIN_VERIFY_SECRET: _secret, FRONT_DOOR_ONLY: _frontDoorOnly, ...notifierEnvironment } = environment;
    this.securityNotifier = new SecurityNotifier(this, 'SecurityNotifier', {
      bus: this.securityEvents.bus,
      table: this.table,
      dataKey: this.dataKey,
      encryptionContext: KMS_ENCRYPTION_CONTEXT,
      emailIdentityArn,
      environment: notifierEnvironment,
      rolePath,
      architecture,
      logRetention,
      logRemovalPolicy: retainIfProtected,
      applicationLogLevel,
      code: props.codeOverride,
    });
    this.securityNotifier.function.node.addDependency(this.keyMaterial);
    this.operations.watchDeadLetters(this.securityNotifier, 'DeadLettersAlarm', this.securityNotifier.deadLetterQueue, 'Security notifier');

    this.operations.finish({ api: this.api, table: this.table, sms: smsRoutes.length > 0, dashboardName: this.stackName });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'KmsKeyArn', { value: this.dataKey.keyArn, description: 'Wraps the data key' });
  }

  /**
   * A custom resource whose function (functions/deploy/create-keys.ts) creates the wrapped data key
   * and the first signing key at deploy time, with the functions' own code. Its role is the only
   * one that may generate a data key or write the key-material partitions.
   */
  private createKeyMaterial(props: KeyMaterialProps): { function: lambda.Function; resource: CustomResource } {
    const scope = new Construct(this, 'KeyMaterial');
    const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    const role = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Creates the data key and the first signing key at deploy time',
      path: props.rolePath,
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'KeyMaterialItems',
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...KEY_MATERIAL_PARTITIONS] } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DataKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.dataKey.keyArn],
        conditions: { StringEquals: props.encryptionContext },
      }),
    );
    validateEnvironment(KEY_MATERIAL_HANDLER, props.environment);
    const common = {
      description: 'Creates the data key and the first signing key (CloudFormation custom resource)',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.applicationLogLevel,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { ...props.environment },
    };
    const fn = new lambda.Function(scope, 'Function', { ...common, code: props.code ?? functionCode(KEY_MATERIAL_HANDLER), handler: 'index.handler' });
    const resource = new CustomResource(scope, 'Resource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::TwoFactorKeyMaterial',
      // Runs again when the key or table changes (a new deployment of either).
      properties: { table: this.table.tableName, key: this.dataKey.keyArn },
    });
    resource.node.addDependency(role);
    return { function: fn, resource };
  }
}

export interface KeyMaterialProps {
  readonly environment: Readonly<Record<string, string>>;
  readonly rolePath: string;
  readonly encryptionContext: Readonly<Record<string, string>>;
  readonly architecture: lambda.Architecture;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly applicationLogLevel: lambda.ApplicationLogLevel;
  readonly code?: lambda.Code;
}

/** The resource name and ids of the deploy-time key material, for tests and the README. */
export const KEY_MATERIAL_HANDLER = 'deploy/create-keys';

/** One JSON object per request: no bodies, headers or tokens, only what an operator needs. */
function apigwAccessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS));
}
