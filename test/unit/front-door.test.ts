/**
 * The front door as `cdk synth` builds it (buildApp, cdk.json's context, cdk-nag): the CloudFront
 * distribution over the page bucket and the API, the bucket policy, the security headers policy,
 * the us-east-1 web ACL and its rules, the per-route throttles, the login function's reserved
 * concurrency and the execute-api endpoint. Stub code: bundling is stack.test.ts's concern.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeEntries, THROTTLES } from '../../functions/routes';
import { ORIGIN_VERIFY_HEADER } from '../../shared/http/client-address';
import { SECURITY_HEADERS } from '../../shared/http/security-headers';
import { buildApp, stackPropsFromContext } from '../../infra/app';
import { AUTH_ROUTES } from '../../infra/constructs/operations';
import { DEFAULT_EDGE_RATE_LIMITS, EDGE_RATE_WINDOW_SECONDS, edgeRateGroups } from '../../infra/constructs/edge-protection';
import { apiPathPatterns } from '../../infra/constructs/front-door';
import type { TwoFactorStack } from '../../infra/stack';

type Json = Record<string, any>;

const ROOT = join(__dirname, '..', '..');
const cdkJsonContext = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const routes = routeEntries();
const stubCode = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 204 });');
const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** cdk.json's context (its example.com placeholders included) plus these values. */
function synth(context: Record<string, unknown>, env?: { account: string; region: string }) {
  const outdir = mkdtempSync(join(tmpdir(), 'twofactor-front-door-'));
  outdirs.push(outdir);
  // SMS needs its allowed countries named (a synth error otherwise).
  const app = new App({ outdir, context: { ...cdkJsonContext, smsAllowedCountryCodes: '45', ...context } });
  const built = buildApp(app, { codeOverride: stubCode, ...(env && { env }) });
  return built;
}

const resourcesOf = (stack: Stack, type: string): Json[] => Object.values(Template.fromStack(stack).findResources(type));
const only = (stack: Stack, type: string): Json => {
  const found = resourcesOf(stack, type);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(construct as never).getLogicalId(construct.node.defaultChild as CfnElement);

describe('with a custom domain and its hosted zone (the service in eu-west-1)', () => {
  const domain = 'auth.acme.test';
  let app: App;
  let stack: TwoFactorStack;
  let edge: Stack;
  let distribution: Json;

  beforeAll(() => {
    const built = synth(
      {
        domainName: domain,
        hostedZoneId: 'Z0123456789ABCDEF',
        hostedZoneName: 'acme.test',
        wafLoginLimit: '60',
        wafSmsLimit: '10',
        loginReservedConcurrency: '15',
      },
      { account: '123456789012', region: 'eu-west-1' },
    );
    ({ app, stack } = built);
    edge = built.edge!;
    distribution = only(stack.frontDoor!, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
  }, 180_000);

  test('the issuer and the WebAuthn RP ID and origin derive from the domain (cdk.json holds only placeholders)', () => {
    const login = stack.functions.get('POST /api/auth/login')!;
    const fn = Template.fromStack(Stack.of(login.function)).toJSON().Resources[logicalId(login.function)];
    expect(fn.Properties.Environment.Variables).toMatchObject({
      TOKEN_ISSUER: `https://${domain}`,
      WEBAUTHN_RP_ID: domain,
      WEBAUTHN_ORIGINS: `https://${domain}`,
    });
    // The origin secret reaches the functions as a dynamic reference: its value is in no template.
    const secret = JSON.stringify(fn.Properties.Environment.Variables.ORIGIN_VERIFY_SECRET);
    expect(secret).toContain('{{resolve:secretsmanager:');
    // ...and requests without it are refused (FRONT_DOOR_ONLY): nothing reaches a function around CloudFront.
    expect(fn.Properties.Environment.Variables.FRONT_DOOR_ONLY).toBe('true');
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('example\\.com'))).toEqual([]);
  });

  test('the distribution: the page from S3 through origin access control, HTTPS, the domain with TLS 1.2, the web ACL from us-east-1', () => {
    expect(distribution).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      Aliases: [domain],
      HttpVersion: 'http2and3',
      ViewerCertificate: { MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      WebACLId: { 'Fn::GetStackOutput': { StackName: 'TwoFactorStackEdge', OutputName: 'WebAclArn', Region: 'us-east-1' } },
      Logging: expect.objectContaining({ Prefix: 'cloudfront/' }),
    });
    expect(distribution.ViewerCertificate.AcmCertificateArn).toEqual({
      'Fn::GetStackOutput': { StackName: 'TwoFactorStackEdge', OutputName: 'CertificateArn', Region: 'us-east-1' },
    });
    const s3Origin = distribution.Origins.find((o: Json) => o.S3OriginConfig)!;
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(distribution.DefaultCacheBehavior).toMatchObject({ TargetOriginId: s3Origin.Id, ViewerProtocolPolicy: 'redirect-to-https' });
    expect(only(stack.frontDoor!, 'AWS::CloudFront::OriginAccessControl').Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  test('every API path prefix goes to the API uncached, every method, with the origin secret; the rest is the page', () => {
    const patterns = apiPathPatterns(routes.map(([key]) => key));
    expect(patterns).toEqual(expect.arrayContaining(['/api/*', '/2fa/*', '/management/*', '/health', '/.well-known/*', '/zitadel.management.v1.ManagementService/*']));
    const behaviors = distribution.CacheBehaviors as Json[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual([...patterns].sort());
    const apiOrigin = distribution.Origins.find((o: Json) => o.CustomOriginConfig)!;
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(apiOrigin.OriginCustomHeaders).toHaveLength(1);
    expect(apiOrigin.OriginCustomHeaders[0].HeaderName).toBe(ORIGIN_VERIFY_HEADER);
    expect(JSON.stringify(apiOrigin.OriginCustomHeaders[0].HeaderValue)).toContain('{{resolve:secretsmanager:');
    const template = Template.fromStack(stack.frontDoor!);
    const cache = only(stack.frontDoor!, 'AWS::CloudFront::CachePolicy').Properties.CachePolicyConfig;
    expect(cache).toMatchObject({
      DefaultTTL: 0,
      MinTTL: 0,
      MaxTTL: 1,
      ParametersInCacheKeyAndForwardedToOrigin: {
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['authorization'] },
        QueryStringsConfig: { QueryStringBehavior: 'all' },
      },
    });
    const forward = only(stack.frontDoor!, 'AWS::CloudFront::OriginRequestPolicy').Properties.OriginRequestPolicyConfig;
    expect(forward.HeadersConfig.HeaderBehavior).toBe('whitelist');
    // With the API's custom domain the viewer's Host selects it; the viewer address always travels.
    expect(forward.HeadersConfig.Headers).toEqual(expect.arrayContaining(['host', 'content-type', 'cloudfront-viewer-address']));
    expect(forward.HeadersConfig.Headers.length).toBeLessThanOrEqual(10);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: { Ref: expect.any(String) },
        OriginRequestPolicyId: { Ref: expect.any(String) },
        ResponseHeadersPolicyId: distribution.DefaultCacheBehavior.ResponseHeadersPolicyId,
      });
    }
    expect(template.toJSON().Resources[behaviors[0]!.CachePolicyId.Ref].Type).toBe('AWS::CloudFront::CachePolicy');
  });

  test('the API is reached through a custom domain of the site\'s name; the execute-api endpoint is off', () => {
    expect(only(stack, 'AWS::ApiGatewayV2::Api').Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(only(stack.frontDoor!, 'AWS::ApiGatewayV2::DomainName').Properties.DomainName).toBe(domain);
    const mapping = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::ApiMapping'))[0]!;
    expect(mapping.Properties.Stage).toBe('$default');
    expect(mapping.DependsOn).toContain(logicalId(stack.stage));
    // Its regional certificate is validated in the hosted zone, in the API's region.
    expect(only(stack.frontDoor!, 'AWS::CertificateManager::Certificate').Properties).toMatchObject({ DomainName: domain, ValidationMethod: 'DNS' });
    expect(resourcesOf(stack.frontDoor!, 'AWS::Route53::RecordSet').map((r) => r.Properties.Type).sort()).toEqual(['A', 'AAAA']);
  });

  test('the page bucket: private, TLS only, readable only by this distribution', () => {
    const bucketId = logicalId(stack.frontDoor!.bucket);
    const template = Template.fromStack(stack.frontDoor!).toJSON().Resources as Record<string, Json>;
    expect(template[bucketId]!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: expect.objectContaining({ LogFilePrefix: 'page-bucket/' }),
    });
    const policy = Object.values(template).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId)!;
    const statements = policy.Properties.PolicyDocument.Statement as Json[];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
        }),
      ]),
    );
    // Nobody else is allowed anything but the page upload's role (by IAM, not by the bucket policy).
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.every((s) => s.Principal?.Service === 'cloudfront.amazonaws.com')).toBe(true);
    expect(JSON.stringify(allows)).toContain(logicalId(stack.frontDoor!.distribution));
    expect(only(stack.frontDoor!, 'Custom::CDKBucketDeployment').Properties.DistributionPaths).toEqual(['/*']);
  });

  test('the response headers policy sends every security header of shared/http/security-headers.ts', () => {
    const config = only(stack.frontDoor!, 'AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig;
    const sent: Record<string, string> = {};
    const security = config.SecurityHeadersConfig;
    sent['strict-transport-security'] =
      `max-age=${security.StrictTransportSecurity.AccessControlMaxAgeSec}${security.StrictTransportSecurity.IncludeSubdomains ? '; includeSubDomains' : ''}`;
    sent['content-security-policy'] = security.ContentSecurityPolicy.ContentSecurityPolicy;
    if (security.ContentTypeOptions) sent['x-content-type-options'] = 'nosniff';
    sent['x-frame-options'] = security.FrameOptions.FrameOption;
    sent['referrer-policy'] = security.ReferrerPolicy.ReferrerPolicy;
    for (const header of config.CustomHeadersConfig.Items as Json[]) sent[header.Header] = header.Value;
    expect(sent).toEqual(SECURITY_HEADERS);
    for (const value of Object.values(security) as Json[]) expect(value.Override).toBe(true);
  });

  test('the web ACL in us-east-1: AWS IP reputation, per-address rate rules for login, 2FA and SMS with the context limits', () => {
    expect(edge.region).toBe('us-east-1');
    const acl = only(edge, 'AWS::WAFv2::WebACL').Properties;
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const rules = acl.Rules as Json[];
    expect(rules[0]).toMatchObject({
      Name: 'aws-ip-reputation',
      OverrideAction: { None: {} },
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } },
    });
    const groups = edgeRateGroups(routes);
    // Every public route that checks a credential: the password, a passkey (and its options), or an emailed link's token.
    expect(groups.login).toEqual(['/api/auth/invitation/accept', '/api/auth/login', '/api/auth/passkey', '/api/auth/passkey/options', '/api/auth/password/reset']);
    // Every route that sends an SMS or an email to a person on request: the message throttle.
    expect(groups.sms).toEqual(['/api/auth/password/forgot', '/api/two-factor/email', '/api/two-factor/email/send', '/api/two-factor/send-verification']);
    expect(groups.twoFactor).toEqual(expect.arrayContaining(['/2fa/authenticate', '/api/two-factor/verify']));
    const limits = { login: 60, twoFactor: DEFAULT_EDGE_RATE_LIMITS.twoFactor, sms: 10 };
    for (const group of ['login', 'twoFactor', 'sms'] as const) {
      const rule = rules.find((r) => r.Name === `rate-${group}`)!;
      expect(rule.Action).toEqual({ Block: {} });
      const rate = rule.Statement.RateBasedStatement;
      expect(rate).toMatchObject({ AggregateKeyType: 'IP', Limit: limits[group], EvaluationWindowSec: EDGE_RATE_WINDOW_SECONDS });
      const matches = groups[group].length === 1 ? [rate.ScopeDownStatement] : rate.ScopeDownStatement.OrStatement.Statements;
      expect(matches.map((m: Json) => m.ByteMatchStatement.SearchString).sort()).toEqual([...groups[group]].sort());
      for (const m of matches) expect(m.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY' });
    }
    // The distribution's certificate is requested there too, validated in the hosted zone.
    expect(only(edge, 'AWS::CertificateManager::Certificate').Properties).toMatchObject({ DomainName: domain, ValidationMethod: 'DNS' });
    Template.fromStack(edge).hasOutput('WebAclArn', {});
    Template.fromStack(edge).hasOutput('CertificateArn', {});
    // Deployed first: the service stack depends on it.
    expect(stack.dependencies).toContain(edge);
  });

  test('per-route throttles on the stage from the route table: login, 2FA codes and SMS tighter than the default', () => {
    const stage = only(stack, 'AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties.RouteSettings as Record<string, Json>;
    const throttled = routes.filter(([, r]) => r.throttle);
    // The throttled routes, and the auth routes for their detailed metrics (infra/constructs/operations.ts).
    expect(Object.keys(settings).sort()).toEqual([...new Set([...throttled.map(([key]) => key), ...AUTH_ROUTES])].sort());
    expect(settings['POST /api/auth/login']).toEqual({
      ThrottlingRateLimit: THROTTLES.credential.rateLimit,
      ThrottlingBurstLimit: THROTTLES.credential.burstLimit,
      DetailedMetricsEnabled: true,
    });
    expect(settings['POST /2fa/authenticate']).toEqual(settings['POST /api/auth/login']);
    expect(settings['POST /api/two-factor/send-verification']).toEqual({ ThrottlingRateLimit: THROTTLES.message.rateLimit, ThrottlingBurstLimit: THROTTLES.message.burstLimit });
    const defaults = stage.Properties.DefaultRouteSettings;
    for (const s of Object.values(settings).filter((s) => s.ThrottlingRateLimit !== undefined)) {
      expect(s.ThrottlingRateLimit).toBeLessThan(defaults.ThrottlingRateLimit);
      expect(s.ThrottlingBurstLimit).toBeLessThan(defaults.ThrottlingBurstLimit);
    }
    // The settings name routes, which the route groups create: the stage waits for them.
    const stageResource = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    for (const group of stack.routeGroups) expect(stageResource.DependsOn).toContain(stack.getLogicalId(group.nestedStackResource as CfnElement));
  });

  test('the login function has reserved concurrency (context value); no other function has', () => {
    for (const [key, endpoint] of stack.functions) {
      const fn = Template.fromStack(Stack.of(endpoint.function)).toJSON().Resources[logicalId(endpoint.function)];
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(key === 'POST /api/auth/login' ? 15 : undefined);
    }
  });

  test('cdk-nag: clean, each acknowledgement in the front door carries its reason', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acknowledged = Object.values(Template.fromStack(stack.frontDoor!).toJSON().Resources as Record<string, Json>).flatMap(
      (r) => (r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>,
    );
    const ids = new Set(acknowledged.map((a) => a.id.replace(/\[.*$/, '')));
    // No CFR4: with the domain the distribution requires TLS 1.2.
    expect([...ids].sort()).toEqual(['AwsSolutions-CFR1', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SMG4']);
    for (const a of acknowledged) expect(a.reason.length).toBeGreaterThan(40);
  });
});

describe("cdk.json's defaults (no domain): the front door on CloudFront's own name", () => {
  let stack: TwoFactorStack;
  let app: App;

  beforeAll(() => {
    ({ app, stack } = synth({ issuer: 'https://auth.acme.test', webauthnRpId: 'acme.test', webauthnOrigins: 'https://auth.acme.test' }));
  }, 180_000);

  test('the execute-api endpoint stays on (CloudFront\'s origin), with a warning; the default reservation for login', () => {
    expect(only(stack, 'AWS::ApiGatewayV2::Api').Properties.DisableExecuteApiEndpoint).not.toBe(true);
    // On, but only for CloudFront: a request without the origin secret is refused (FRONT_DOOR_ONLY).
    expect(JSON.stringify(Template.fromStack(stack.routeGroups[0]!).toJSON())).toContain('"FRONT_DOOR_ONLY":"true"');
    Annotations.fromStack(stack).hasWarning('/TwoFactorStack', Match.stringLikeRegexp('execute-api endpoint stays on'));
    const distribution = only(stack.frontDoor!, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
    const apiOrigin = distribution.Origins.find((o: Json) => o.CustomOriginConfig)!;
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(distribution.Aliases).toBeUndefined();
    const login = stack.functions.get('POST /api/auth/login')!;
    const fn = Template.fromStack(Stack.of(login.function)).toJSON().Resources[logicalId(login.function)];
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(20);
    Template.fromStack(stack).hasOutput('SiteUrl', {});
  });

  test('cdk-nag clean: the default certificate\'s TLS policy is acknowledged', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    const ids = Object.values(Template.fromStack(stack.frontDoor!).toJSON().Resources as Record<string, Json>).flatMap((r) =>
      ((r.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string }>).map((a) => a.id),
    );
    expect(ids).toContain('AwsSolutions-CFR4');
  });
});

describe('switches', () => {
  const health = routes.filter(([key]) => key === 'GET /health' || key === 'POST /api/auth/login');
  const site = { issuer: 'https://auth.acme.test', webauthnRpId: 'acme.test', webauthnOrigins: 'https://auth.acme.test' };
  const build = (context: Record<string, unknown>) => {
    const outdir = mkdtempSync(join(tmpdir(), 'twofactor-front-door-'));
    outdirs.push(outdir);
    return buildApp(new App({ outdir, context: { ...cdkJsonContext, ...site, ...context } }), { routes: health, codeOverride: stubCode });
  };

  test('executeApiEndpoint=true keeps the raw API next to the custom domain', () => {
    const { stack } = build({ domainName: 'auth.acme.test', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', apiCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/def', executeApiEndpoint: 'true' });
    expect(only(stack, 'AWS::ApiGatewayV2::Api').Properties.DisableExecuteApiEndpoint).not.toBe(true);
    // Direct clients of the raw API carry no origin secret: the functions serve them.
    expect(JSON.stringify(Template.fromStack(stack.routeGroups[0]!).toJSON())).not.toContain('FRONT_DOOR_ONLY');
    // The certificate from context: none requested.
    expect(resourcesOf(stack.frontDoor!, 'AWS::CertificateManager::Certificate')).toEqual([]);
  }, 60_000);

  test('frontDoor=false: no distribution, no edge stack, no origin secret', () => {
    const { stack, edge } = build({ frontDoor: 'false' });
    expect(stack.frontDoor).toBeUndefined();
    expect(edge).toBeUndefined();
    expect(JSON.stringify(Template.fromStack(stack.routeGroups[0]!).toJSON())).not.toContain('ORIGIN_VERIFY_SECRET');
  }, 60_000);

  test('a domain without a certificate or hosted zone, and bad limits, fail the synth', () => {
    expect(() => build({ domainName: 'auth.acme.test' })).toThrow(/certificateArn/);
    expect(() => build({ wafLoginLimit: '5' })).toThrow(/at least|from 10/);
    expect(() => build({ wafSmsLimit: 'lots' })).toThrow(/wafSmsLimit/);
    expect(() => build({ hostedZoneId: 'Z1' })).toThrow(/hostedZoneName/);
  }, 60_000);

  test('context parsing of the new values', () => {
    const props = stackPropsFromContext(new App({ context: { loginReservedConcurrency: 'none', executeApiEndpoint: 'true', frontDoor: false } }));
    expect(props).toMatchObject({ reservedConcurrency: { 'POST /api/auth/login': undefined }, executeApiEndpoint: true, frontDoor: false });
  });
});
