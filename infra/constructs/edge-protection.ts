/**
 * What CloudFront requires in us-east-1, in a stack of its own there: the AWS WAF web ACL of the
 * distribution (a CLOUDFRONT-scope web ACL can only be created in us-east-1) and, when the stack is
 * to request it, the distribution's ACM certificate (CloudFront only takes certificates from
 * us-east-1).
 *
 * Why a stack of its own and `Fn::GetStackOutput` rather than CDK's `crossRegionReferences`: the
 * latter writes each value to SSM through a Lambda-backed custom resource in each stack and locks
 * the producer's values while a consumer reads them; `Fn::GetStackOutput` is CloudFormation's own
 * cross-region read of a plain output, so the service stack gains no helper function, the web ACL
 * can be replaced freely, and `cdk deploy --all` deploys this stack first (a stack dependency).
 * The service stack itself may live in any region.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { splitRouteKey, type Route, type RouteKey } from '../../functions/routes';

/** The region CloudFront takes web ACLs and certificates from. */
export const EDGE_REGION = 'us-east-1';

/** Output names the service stack reads with Fn::GetStackOutput. */
export const EDGE_OUTPUTS = { webAclArn: 'WebAclArn', certificateArn: 'CertificateArn' } as const;

/**
 * Requests per client address per evaluation window (EDGE_RATE_WINDOW_SECONDS) before WAF blocks
 * that address on those routes until its rate falls again. AWS WAF's smallest limit is 10.
 */
export interface EdgeRateLimits {
  /** Password login. */
  readonly login: number;
  /** Second-factor code and assertion checks. */
  readonly twoFactor: number;
  /** SMS and email sends (the routes with the message throttle; the name, and `wafSmsLimit`, predate email). */
  readonly sms: number;
}

export const DEFAULT_EDGE_RATE_LIMITS: EdgeRateLimits = { login: 100, twoFactor: 100, sms: 20 };
export const EDGE_RATE_WINDOW_SECONDS = 300;

/**
 * The paths each rate rule counts, from the route table: the routes with the message throttle (an
 * SMS or an email sent to a person); public routes with the credential throttle (password login);
 * the other credential-throttled routes (second factors).
 */
export function edgeRateGroups(entries: ReadonlyArray<readonly [string, Route]>): Record<keyof EdgeRateLimits, string[]> {
  const groups: Record<keyof EdgeRateLimits, string[]> = { login: [], twoFactor: [], sms: [] };
  for (const [key, route] of entries) {
    const group = route.throttle === 'message' ? 'sms' : route.throttle === 'credential' ? (route.access === 'public' ? 'login' : 'twoFactor') : undefined;
    if (!group) continue;
    const { path } = splitRouteKey(key as RouteKey);
    if (path.includes('{')) throw new Error(`Route "${key}": a rate-limited path must be literal (WAF matches it exactly)`);
    groups[group].push(path);
  }
  return groups;
}

export interface EdgeProtectionProps {
  readonly limits: EdgeRateLimits;
  readonly routes: ReadonlyArray<readonly [string, Route]>;
}

/** The web ACL: AWS's IP reputation list, then one rate rule per group of sensitive routes. */
export class EdgeProtection extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const groups = edgeRateGroups(props.routes);
    const rateRules = (Object.keys(groups) as Array<keyof EdgeRateLimits>)
      .filter((group) => groups[group].length > 0)
      .map((group, index): wafv2.CfnWebACL.RuleProperty => {
        const limit = props.limits[group];
        if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
          throw new Error(`WAF rate limit for ${group} must be an integer from 10 (AWS WAF's minimum), got ${limit}`);
        }
        const matches = groups[group].map(
          (path): wafv2.CfnWebACL.StatementProperty => ({
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: 'EXACTLY',
              searchString: path,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          }),
        );
        const name = `rate-${group}`;
        return {
          name,
          priority: 10 + index,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              // The viewer's address as CloudFront saw it: a client cannot choose it with a header.
              aggregateKeyType: 'IP',
              limit,
              evaluationWindowSec: EDGE_RATE_WINDOW_SECONDS,
              scopeDownStatement: matches.length === 1 ? matches[0]! : { orStatement: { statements: matches } },
            },
          },
          visibilityConfig: visibility(name),
        };
      });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: 'Two-factor authentication service: IP reputation, per-address rate limits on login, 2FA and SMS',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('twofactor'),
      rules: [
        {
          name: 'aws-ip-reputation',
          priority: 0,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesAmazonIpReputationList' } },
          visibilityConfig: visibility('aws-ip-reputation'),
        },
        ...rateRules,
      ],
    });
  }
}

export interface EdgeStackProps extends StackProps, EdgeProtectionProps {
  /** Request the distribution's certificate here, validated in this hosted zone. @default none */
  readonly certificate?: { readonly domainName: string; readonly hostedZone: { readonly id: string; readonly name: string } };
}

/** The us-east-1 stack: web ACL (and certificate), published as outputs (EDGE_OUTPUTS). */
export class EdgeStack extends Stack {
  readonly protection: EdgeProtection;
  readonly certificate?: acm.Certificate;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, {
      description: 'Two-factor authentication service: what CloudFront needs in us-east-1 (WAF web ACL, certificate)',
      ...props,
      env: { ...props.env, region: EDGE_REGION },
    });
    this.protection = new EdgeProtection(this, 'Protection', props);
    new CfnOutput(this, EDGE_OUTPUTS.webAclArn, { value: this.protection.webAcl.attrArn, description: 'The distribution\'s web ACL' });
    if (props.certificate) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: props.certificate.hostedZone.id,
        zoneName: props.certificate.hostedZone.name,
      });
      this.certificate = new acm.Certificate(this, 'Certificate', {
        domainName: props.certificate.domainName,
        validation: acm.CertificateValidation.fromDns(zone),
      });
      new CfnOutput(this, EDGE_OUTPUTS.certificateArn, { value: this.certificate.certificateArn, description: 'The distribution\'s certificate' });
    }
  }
}
