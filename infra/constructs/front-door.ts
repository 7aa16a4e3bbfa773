/**
 * The front door: one CloudFront distribution serves the self-service page from a private S3
 * bucket (origin access control) and the HTTP API on the API's paths, on one domain. The page and
 * the API are then one origin: no CORS, WebAuthn's RP ID is the site's domain, cookies would be
 * first-party.
 *
 * API paths are never cached; they reach the API with the Authorization header, the body, and the
 * viewer's address (CloudFront-Viewer-Address), together with a secret header generated at deploy
 * (ORIGIN_VERIFY_HEADER) that proves to the functions that CloudFront added the address
 * (shared/http/client-address.ts). Every response carries the security headers of
 * shared/http/security-headers.ts, the set the local gateway sends.
 *
 * A nested stack: its helper function (the page upload) and its checks stay out of the service
 * stack's template.
 */
import { type CfnElement, CfnOutput, Duration, Token, NestedStack, type NestedStackProps, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logGroups from 'aws-cdk-lib/aws-logs';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { splitRouteKey, type RouteKey } from '../../functions/routes';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '../../shared/http/client-address';
import { HSTS_MAX_AGE_SECONDS, SECURITY_HEADERS, type SecurityHeader } from '../../shared/http/security-headers';
import { stagePage } from '../web-page';

/**
 * Request headers the functions read, besides Authorization (in the cache key, so forwarded too):
 * body types and encodings (JSON, gRPC-web, Connect), the audit trail's user agent, Zitadel's org
 * selector, the SMS language. CloudFront forwards at most 10 by default; `host` and the viewer
 * address take two more.
 */
export const API_FORWARDED_HEADERS = [
  'content-type',
  'content-encoding',
  'grpc-encoding',
  'user-agent',
  'x-zitadel-orgid',
  'accept-language',
] as const;

/**
 * The distribution's path patterns for the API: one per first path segment of the route table
 * (`/api/*`, `/2fa/*`, `/health`, ...), so a new route under a known prefix needs no change here.
 */
export function apiPathPatterns(routeKeys: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const key of routeKeys) {
    const segments = splitRouteKey(key as RouteKey).path.split('/').filter(Boolean);
    patterns.add(segments.length > 1 ? `/${segments[0]}/*` : `/${segments[0] ?? ''}`);
  }
  return [...patterns].sort();
}

/** SECURITY_HEADERS as a response-headers policy: CloudFront's own fields where it has one, custom headers for the rest. */
export function securityHeadersBehavior(): {
  securityHeadersBehavior: cloudfront.ResponseSecurityHeadersBehavior;
  customHeadersBehavior: cloudfront.ResponseCustomHeadersBehavior;
} {
  const expect = (name: SecurityHeader, value: string) => {
    if (SECURITY_HEADERS[name] !== value) throw new Error(`${name}: the CloudFront mapping no longer matches shared/http/security-headers.ts`);
  };
  expect('strict-transport-security', `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
  expect('x-content-type-options', 'nosniff');
  expect('x-frame-options', 'DENY');
  expect('referrer-policy', 'no-referrer');
  const native: readonly SecurityHeader[] = [
    'strict-transport-security',
    'content-security-policy',
    'x-content-type-options',
    'x-frame-options',
    'referrer-policy',
  ];
  return {
    securityHeadersBehavior: {
      strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
      contentSecurityPolicy: { contentSecurityPolicy: SECURITY_HEADERS['content-security-policy'], override: true },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
    },
    customHeadersBehavior: {
      customHeaders: (Object.keys(SECURITY_HEADERS) as SecurityHeader[])
        .filter((name) => !native.includes(name))
        .map((header) => ({ header, value: SECURITY_HEADERS[header], override: true })),
    },
  };
}

export interface FrontDoorProps extends NestedStackProps {
  readonly api: apigw.HttpApi;
  readonly routeKeys: readonly string[];
  /** The web ACL's ARN (us-east-1; infra/constructs/edge-protection.ts). */
  readonly webAclArn: string;
  /** The site's domain, with its us-east-1 certificate; none: CloudFront's own domain. */
  readonly domain?: {
    readonly name: string;
    readonly certificateArn: string;
    readonly hostedZone?: { readonly id: string; readonly name: string };
  };
  /**
   * Give the API a custom domain of the site's name, CloudFront's origin then (so the execute-api
   * endpoint can be off), with this ACM certificate of the API's region, or one requested in the
   * hosted zone. @default none: CloudFront reaches the execute-api endpoint
   */
  readonly apiDomain?: { readonly certificateArn?: string };
  readonly removalPolicy: RemovalPolicy;
  /** The deployment's IAM role path (the page upload's role goes there too). */
  readonly rolePath: string;
  readonly logRetention: logGroups.RetentionDays;
}

export class FrontDoor extends NestedStack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly originSecret: secretsmanager.Secret;
  readonly headersPolicy: cloudfront.ResponseHeadersPolicy;
  /**
   * The custom domain CloudFront reaches the API by, when there is one. The service stack maps its
   * stage to it (the stage follows the route groups, whose functions read this stack's secret).
   */
  readonly apiDomain?: apigw.DomainName;
  /** `https://<domain>`: the site's URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: FrontDoorProps) {
    super(scope, id, {
      description: 'Two-factor authentication service: CloudFront in front of the page (S3) and the HTTP API',
      ...props,
    });

    const logs = new s3.Bucket(this, 'Logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are delivered with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log bucket (CloudFront and the page bucket log here); logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Page', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'page-bucket/',
      // The page is rebuilt from the repository on every deployment.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.originSecret = new secretsmanager.Secret(this, 'OriginVerify', {
      description: `The value CloudFront sends in ${ORIGIN_VERIFY_HEADER} to the API: requests carrying it came through CloudFront`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'CloudFront and the functions read the value at deploy time (dynamic references); rotating it in Secrets Manager ' +
        'alone would change neither. Rotate by replacing the secret (a new construct id) and deploying.',
    });

    this.headersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'HSTS, CSP, Referrer-Policy, Permissions-Policy, nosniff, frame denial (shared/http/security-headers.ts)',
      ...securityHeadersBehavior(),
    });

    // Not cached: TTL 0 (a max of 1 s only so the cache key may name Authorization, which is how
    // CloudFront forwards it). The API answers `cache-control: no-store` anyway.
    const apiCache = new cloudfront.CachePolicy(this, 'ApiCache', {
      comment: 'API: never cached; Authorization and every query string reach the API',
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('authorization'),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
    });

    let apiOrigin: string;
    const forwardHost: string[] = [];
    if (props.domain && props.apiDomain) {
      const { certificateArn } = props.apiDomain;
      const zone = props.domain.hostedZone;
      if (!certificateArn && !zone) throw new Error('The API\'s custom domain needs a certificate ARN or a hosted zone');
      // The API's custom domain has the site's name, so the viewer's Host header selects it and
      // matches its certificate; CloudFront connects to its regional endpoint.
      this.apiDomain = new apigw.DomainName(this, 'ApiDomain', {
        domainName: props.domain.name,
        certificate: certificateArn
          ? acm.Certificate.fromCertificateArn(this, 'ApiCertificate', certificateArn)
          : new acm.Certificate(this, 'ApiCertificate', {
              domainName: props.domain.name,
              validation: acm.CertificateValidation.fromDns(
                route53.HostedZone.fromHostedZoneAttributes(this, 'ApiZone', { hostedZoneId: zone!.id, zoneName: zone!.name }),
              ),
            }),
      });
      apiOrigin = this.apiDomain.regionalDomainName;
      forwardHost.push('host');
    } else {
      apiOrigin = `${props.api.apiId}.execute-api.${Stack.of(props.api).region}.${Stack.of(props.api).urlSuffix}`;
    }
    const apiForward = new cloudfront.OriginRequestPolicy(this, 'ApiForward', {
      comment: 'API: the headers the functions read, and the viewer address',
      headerBehavior: cloudfront.OriginRequestHeaderBehavior.allowList(...forwardHost, ...API_FORWARDED_HEADERS, VIEWER_ADDRESS_HEADER),
      queryStringBehavior: cloudfront.OriginRequestQueryStringBehavior.all(),
      cookieBehavior: cloudfront.OriginRequestCookieBehavior.all(),
    });
    const api = new origins.HttpOrigin(apiOrigin, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // A dynamic reference: CloudFormation resolves it; the value is in no template.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originSecret.secretValue.unsafeUnwrap() },
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: apiCache,
      originRequestPolicy: apiForward,
      responseHeadersPolicy: this.headersPolicy,
      compress: true,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Two-factor authentication service: the self-service page and the API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headersPolicy,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(apiPathPatterns(props.routeKeys).map((pattern) => [pattern, apiBehavior])),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      ...(props.domain && {
        minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        domainNames: [props.domain.name],
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
      }),
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      enableIpv6: true,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'An authentication service serves its users wherever they are; abuse is met by the web ACL (IP reputation, per-address rates), not by country.',
    });
    if (!props.domain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its own *.cloudfront.net certificate, whose TLS policy cannot be chosen; ' +
          'with the domain context value the distribution requires TLSv1.2_2021.',
      });
    }

    // CDK's upload function, with a role and log group of ours (no managed policy, the deployment's role path).
    const uploadRole = new iam.Role(this, 'PageUploadRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Uploads the self-service page to its bucket and invalidates the distribution (deployments only)',
      path: props.rolePath,
    });
    const uploadLogs = new logGroups.LogGroup(this, 'PageUploadLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
    uploadLogs.grantWrite(uploadRole);
    // cdk-nag names a finding by the resolved ARN where the environment is known.
    const known = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const pageBucketId = this.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(uploadRole).acknowledge(
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        `Resource::<${pageBucketId}.Arn>/*`,
        `Resource::arn:${known(this.partition, '<AWS::Partition>')}:s3:::cdk-hnb659fds-assets-${known(this.account, '<AWS::AccountId>')}-${known(this.region, '<AWS::Region>')}/*`,
      ].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'BucketDeployment\'s grants (CDK\'s page upload): read the page asset from the CDK assets bucket and replace every ' +
          'object of the page bucket; used only during deployments, on those two buckets only.',
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudfront:CreateInvalidation after each upload: CloudFront invalidations have no resource ARN to name.',
      },
    );
    const deployment = new s3deploy.BucketDeployment(this, 'PageUpload', {
      role: uploadRole,
      logGroup: uploadLogs,
      sources: [s3deploy.Source.asset(stagePage())],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      cacheControl: [s3deploy.CacheControl.noCache()],
      memoryLimit: 256,
    });
    // The upload function is a singleton at this stack's root, not under the deployment construct.
    const uploadFunction = this.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    Validations.of(uploadFunction ?? deployment).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'CDK\'s page upload function (BucketDeployment) pins the Python runtime its AWS CLI layer is built for; it runs only during deployments.',
    });

    if (props.domain?.hostedZone) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.domain.hostedZone.id,
        zoneName: props.domain.hostedZone.name,
      });
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasV4', { zone, recordName: props.domain.name, target });
      new route53.AaaaRecord(this, 'AliasV6', { zone, recordName: props.domain.name, target });
    }

    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'SiteUrl', { value: this.url });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
  }
}
