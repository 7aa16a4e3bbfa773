/**
 * Reads a synthesized cloud assembly (cdk.out) the way CloudFormation would deploy it, for the local
 * synthesized mode and the IAM test: every stack in manifest.json and every nested stack template,
 * with Ref / Fn::GetAtt / Fn::Join / Fn::Sub / Fn::ImportValue / Fn::GetStackOutput (CDK's weak
 * cross-stack references) and nested stack parameters resolved
 * to local values (the table name DynamoDB Local serves, made-up ARNs in one local account).
 * Nothing here assumes a stack name or a route: functions come from AWS::Lambda::Function
 * resources, routes from AWS::ApiGatewayV2::Route and their integrations.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_PARTITION = 'aws';

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[] | PolicyStatement;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface LocalFunction {
  /** Unique over the assembly: the logical id, prefixed by its stack's path when two stacks share one. */
  id: string;
  logicalId: string;
  stack: string;
  name: string;
  arn: string;
  /** The bundle: an asset folder in the assembly. */
  codeDir: string;
  handler: string;
  runtime: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  logFormat?: string;
  applicationLogLevel?: string;
  roleArn: string;
  /** The role's identity policies: inline, attached AWS::IAM::Policy and customer managed policies. */
  policies: Array<{ name: string; document: PolicyDocument }>;
  /** Managed policy ARNs the assembly does not define (AWS managed): the IAM test refuses them. */
  unresolvedManagedPolicies: string[];
}

export interface LocalRoute {
  /** `POST /api/auth/login`, as in the template. */
  key: string;
  functionId: string;
}

export interface LocalKmsKey {
  keyId: string;
  arn: string;
  policy?: PolicyDocument;
}

/** A custom resource backed by a function of the assembly (CloudFormation invokes it at deploy). */
export interface LocalCustomResource {
  logicalId: string;
  type: string;
  functionId: string;
  properties: Record<string, unknown>;
}

/** An EventBridge rule's function target: events its pattern matches invoke the function. */
export interface LocalEventTarget {
  ruleLogicalId: string;
  pattern: Record<string, unknown>;
  functionId: string;
}

export interface LocalAssembly {
  dir: string;
  functions: Map<string, LocalFunction>;
  routes: LocalRoute[];
  customResources: LocalCustomResource[];
  eventTargets: LocalEventTarget[];
  kmsKeys: LocalKmsKey[];
  tableArn: string;
}

interface Template {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** One deployed template: a top-level stack or a nested stack, with its parameters' values. */
class Scope {
  readonly children = new Map<string, Scope>();
  constructor(
    readonly assembly: AssemblyReader,
    readonly name: string,
    readonly template: Template,
    readonly parameters: Record<string, unknown>,
  ) {}

  resources(): Array<[string, Resource]> {
    return Object.entries(this.template.Resources ?? {});
  }

  resource(logicalId: string): Resource {
    const resource = this.template.Resources?.[logicalId];
    if (!resource) throw new Error(`${this.name}: no resource ${logicalId}`);
    return resource;
  }

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, ...attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.getAtt(id!, attr.join('.'));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
          return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
            if (name in variables) return String(this.resolve(variables[name]));
            const [id, ...attr] = name.split('.');
            return String(attr.length ? this.getAtt(id!, attr.join('.')) : this.ref(id!));
          });
        }
        case 'Fn::ImportValue':
          return this.assembly.importValue(String(this.resolve(arg)));
        case 'Fn::GetStackOutput': {
          const { StackName, OutputName } = this.resolve(arg) as { StackName: string; OutputName: string };
          return this.assembly.stackOutput(StackName, OutputName);
        }
        default:
          if (fn.startsWith('Fn::')) throw new Error(`${this.name}: ${fn} is not supported by the local runner`);
      }
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, this.resolve(item)]));
  }

  ref(name: string): unknown {
    switch (name) {
      case 'AWS::Region':
        return LOCAL_REGION;
      case 'AWS::AccountId':
        return LOCAL_ACCOUNT;
      case 'AWS::Partition':
        return LOCAL_PARTITION;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
      case 'AWS::StackId':
        return this.name;
      case 'AWS::NoValue':
        return undefined;
    }
    if (name in this.parameters) return this.parameters[name];
    if (this.template.Parameters?.[name]) return this.template.Parameters[name].Default;
    return this.assembly.localRef(this, name, this.resource(name));
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.resource(logicalId);
    if (resource.Type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) {
      const child = this.assembly.nestedScope(this, logicalId);
      const output = child.template.Outputs?.[attribute.slice('Outputs.'.length)];
      if (!output) throw new Error(`${child.name}: no output ${attribute}`);
      return child.resolve(output.Value);
    }
    return this.assembly.localAttribute(this, logicalId, resource, attribute);
  }
}

const SERVICE_OF: Record<string, string> = {
  'AWS::DynamoDB::Table': 'dynamodb',
  'AWS::DynamoDB::GlobalTable': 'dynamodb',
  'AWS::KMS::Key': 'kms',
  'AWS::Lambda::Function': 'lambda',
  'AWS::IAM::Role': 'iam',
  'AWS::IAM::ManagedPolicy': 'iam',
  'AWS::Logs::LogGroup': 'logs',
  'AWS::ApiGatewayV2::Api': 'execute-api',
};

class AssemblyReader {
  readonly roots: Scope[] = [];
  private readonly nested = new Map<string, Scope>();
  private exports?: Map<string, unknown>;
  tableResource?: string;

  constructor(
    readonly dir: string,
    readonly tableName: string,
  ) {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      artifacts?: Record<string, { type: string; properties?: { templateFile?: string; stackName?: string } }>;
    };
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      const template = JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8')) as Template;
      this.roots.push(new Scope(this, artifact.properties.stackName ?? id, template, {}));
    }
    if (this.roots.length === 0) throw new Error(`${dir}/manifest.json lists no CloudFormation stack`);
  }

  /** Every scope: the top-level stacks and, depth first, their nested stacks. */
  scopes(): Scope[] {
    const all: Scope[] = [];
    const visit = (scope: Scope) => {
      all.push(scope);
      for (const [id, resource] of scope.resources()) if (resource.Type === 'AWS::CloudFormation::Stack') visit(this.nestedScope(scope, id));
    };
    this.roots.forEach(visit);
    return all;
  }

  nestedScope(parent: Scope, logicalId: string): Scope {
    const key = `${parent.name}/${logicalId}`;
    let scope = this.nested.get(key);
    if (!scope) {
      const resource = parent.resource(logicalId);
      const file = resource.Metadata?.['aws:asset:path'];
      if (typeof file !== 'string' || !existsSync(join(this.dir, file))) {
        throw new Error(`${key}: the nested stack's template is not in the assembly (Metadata aws:asset:path)`);
      }
      const parameters = (parent.resolve(resource.Properties?.Parameters ?? {}) ?? {}) as Record<string, unknown>;
      scope = new Scope(this, `${parent.name}-${logicalId}`, JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as Template, parameters);
      this.nested.set(key, scope);
    }
    return scope;
  }

  /** An output of a top-level stack, by stack name (a weak cross-stack reference). */
  stackOutput(stackName: string, outputName: string): unknown {
    const scope = this.roots.find((root) => root.name === stackName);
    const output = scope?.template.Outputs?.[outputName];
    if (!scope || !output) throw new Error(`Fn::GetStackOutput: no output ${outputName} of a stack ${stackName} in the assembly`);
    return scope.resolve(output.Value);
  }

  importValue(name: string): unknown {
    if (!this.exports) {
      this.exports = new Map();
      for (const scope of this.scopes()) {
        for (const output of Object.values(scope.template.Outputs ?? {})) {
          if (output.Export) this.exports.set(String(scope.resolve(output.Export.Name)), output.Value === undefined ? undefined : { scope, value: output.Value });
        }
      }
    }
    const found = this.exports.get(name) as { scope: Scope; value: unknown } | undefined;
    if (!found) throw new Error(`Fn::ImportValue: no stack exports ${name}`);
    return found.scope.resolve(found.value);
  }

  /**
   * A local physical id, stable per scope and logical id, and unique: nested stacks' scope names are
   * long, so a name over 64 characters keeps a readable prefix and a digest of the whole (cutting it
   * would give every function of a nested stack the same name, and so the same ARN).
   */
  physicalName(scope: Scope, logicalId: string): string {
    const name = `${scope.name}-${logicalId}`;
    return name.length <= 64 ? name : `${name.slice(0, 47)}-${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
  }

  localRef(scope: Scope, logicalId: string, resource: Resource): string {
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return this.localTable(scope, logicalId);
      case 'AWS::KMS::Key':
        return localKeyId(scope.name, logicalId);
      case 'AWS::ApiGatewayV2::Integration':
        return integrationToken(scope.name, logicalId);
      case 'AWS::Lambda::Alias': {
        // Its ARN: the function's, qualified by the alias name (what an integration then names).
        const { FunctionName, Name } = scope.resolve(resource.Properties) as { FunctionName: string; Name: string };
        const fn = FunctionName.startsWith('arn:') ? FunctionName : `arn:${LOCAL_PARTITION}:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${FunctionName}`;
        return `${fn}:${Name}`;
      }
      default:
        return this.physicalName(scope, logicalId);
    }
  }

  localAttribute(scope: Scope, logicalId: string, resource: Resource, attribute: string): string {
    const service = SERVICE_OF[resource.Type];
    const prefix = `arn:${LOCAL_PARTITION}:${service ?? 'local'}:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;
    if (attribute === 'Arn' || attribute === 'KeyArn') {
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          return `${prefix}:table/${this.localTable(scope, logicalId)}`;
        case 'AWS::KMS::Key':
          return `${prefix}:key/${localKeyId(scope.name, logicalId)}`;
        case 'AWS::Lambda::Function':
          return `${prefix}:function:${this.physicalName(scope, logicalId)}`;
        case 'AWS::IAM::Role':
          // The role's path is part of its ARN (the KMS key policy matches roles by it).
          return `arn:${LOCAL_PARTITION}:iam::${LOCAL_ACCOUNT}:role${(resource.Properties?.Path as string | undefined) ?? '/'}${this.physicalName(scope, logicalId)}`;
        case 'AWS::Logs::LogGroup':
          return `${prefix}:log-group:${this.physicalName(scope, logicalId)}:*`;
      }
    }
    return `${prefix}:${this.physicalName(scope, logicalId)}/${attribute}`;
  }

  private localTable(scope: Scope, logicalId: string): string {
    const id = `${scope.name}/${logicalId}`;
    this.tableResource ??= id;
    if (this.tableResource !== id) throw new Error(`The local runner serves one table; the assembly defines ${this.tableResource} and ${id}`);
    return this.tableName;
  }
}

export function localKeyId(stack: string, logicalId: string): string {
  const hex = createHash('sha256').update(`${stack}/${logicalId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const integrationToken = (stack: string, logicalId: string) => `local-integration:${stack}:${logicalId}`;

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Reads the assembly in `dir`, serving the table as `tableName`. */
export function readAssembly(dir: string, tableName: string): LocalAssembly {
  const reader = new AssemblyReader(dir, tableName);
  const scopes = reader.scopes();

  // Roles and the policies attached to them, by role ARN.
  const policiesByRole = new Map<string, Array<{ name: string; document: PolicyDocument }>>();
  const unresolvedByRole = new Map<string, string[]>();
  const managed = new Map<string, { name: string; document: PolicyDocument }>();
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type === 'AWS::IAM::ManagedPolicy') {
        const props = scope.resolve(resource.Properties) as { PolicyDocument: PolicyDocument };
        managed.set(scope.getAtt(id, 'Arn') as string, { name: `${scope.name}/${id}`, document: props.PolicyDocument });
      }
    }
  }
  const roleArnByName = new Map<string, string>();
  const attach = (roleArn: string, policy: { name: string; document: PolicyDocument }) =>
    policiesByRole.set(roleArn, [...(policiesByRole.get(roleArn) ?? []), policy]);
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type === 'AWS::IAM::Role') {
        const roleArn = scope.getAtt(id, 'Arn') as string;
        roleArnByName.set(reader.physicalName(scope, id), roleArn);
        const props = scope.resolve(resource.Properties ?? {}) as {
          Policies?: Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>;
          ManagedPolicyArns?: string[];
        };
        policiesByRole.set(roleArn, policiesByRole.get(roleArn) ?? []);
        for (const policy of props.Policies ?? []) attach(roleArn, { name: `${id}/${policy.PolicyName}`, document: policy.PolicyDocument });
        for (const arn of props.ManagedPolicyArns ?? []) {
          const policy = managed.get(arn);
          if (policy) attach(roleArn, policy);
          else unresolvedByRole.set(roleArn, [...(unresolvedByRole.get(roleArn) ?? []), arn]);
        }
      }
    }
  }
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const props = scope.resolve(resource.Properties) as { PolicyName: string; PolicyDocument: PolicyDocument; Roles?: string[] };
      for (const roleName of props.Roles ?? []) {
        const roleArn = roleArnByName.get(roleName) ?? `arn:${LOCAL_PARTITION}:iam::${LOCAL_ACCOUNT}:role/${roleName}`;
        attach(roleArn, { name: `${scope.name}/${id}`, document: props.PolicyDocument });
      }
    }
  }

  const functions = new Map<string, LocalFunction>();
  const byArn = new Map<string, LocalFunction>();
  const logicalIds = new Map<string, number>();
  for (const scope of scopes) for (const [id, r] of scope.resources()) if (r.Type === 'AWS::Lambda::Function') logicalIds.set(id, (logicalIds.get(id) ?? 0) + 1);
  for (const scope of scopes) {
    for (const [logicalId, resource] of scope.resources()) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const props = scope.resolve(resource.Properties) as {
        Handler: string;
        Runtime: string;
        MemorySize?: number;
        Timeout?: number;
        Role: string;
        Environment?: { Variables?: Record<string, unknown> };
        LoggingConfig?: { LogFormat?: string; ApplicationLogLevel?: string };
      };
      if (typeof assetPath !== 'string' || !existsSync(join(dir, assetPath))) {
        throw new Error(`${scope.name}/${logicalId}: its code is not an asset folder in the assembly`);
      }
      // Unique over the assembly and usable as an access key id (letters and digits).
      const fnId = logicalIds.get(logicalId)! > 1 ? `${scope.name}${logicalId}`.replace(/[^A-Za-z0-9]/g, '') : logicalId;
      const fn: LocalFunction = {
        id: fnId,
        logicalId,
        stack: scope.name,
        name: reader.physicalName(scope, logicalId),
        arn: scope.getAtt(logicalId, 'Arn') as string,
        codeDir: resolve(dir, assetPath),
        handler: props.Handler,
        runtime: props.Runtime,
        memoryMb: props.MemorySize ?? 128,
        timeoutSeconds: props.Timeout ?? 3,
        environment: Object.fromEntries(Object.entries(props.Environment?.Variables ?? {}).map(([k, v]) => [k, String(v)])),
        logFormat: props.LoggingConfig?.LogFormat,
        applicationLogLevel: props.LoggingConfig?.ApplicationLogLevel,
        roleArn: props.Role,
        policies: policiesByRole.get(props.Role) ?? [],
        unresolvedManagedPolicies: unresolvedByRole.get(props.Role) ?? [],
      };
      functions.set(fn.id, fn);
      byArn.set(fn.arn, fn);
    }
  }

  // Routes: AWS::ApiGatewayV2::Route → its integration → the function its URI names.
  const integrations = new Map<string, string>();
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type !== 'AWS::ApiGatewayV2::Integration') continue;
      const props = scope.resolve(resource.Properties) as { IntegrationType?: string; IntegrationUri?: string };
      if (props.IntegrationType === 'AWS_PROXY' && props.IntegrationUri) integrations.set(integrationToken(scope.name, id), props.IntegrationUri);
    }
  }
  const routes: LocalRoute[] = [];
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type !== 'AWS::ApiGatewayV2::Route') continue;
      const props = scope.resolve(resource.Properties) as { RouteKey: string; Target?: string };
      const target = /^integrations\/(.+)$/.exec(props.Target ?? '')?.[1];
      const uri = target && integrations.get(target);
      // A Lambda proxy URI is the function ARN (or an alias's: the ARN qualified), or the API
      // Gateway invocation path around it. Locally an alias always runs the function's one version.
      const unqualified = uri && uri.split(':').slice(0, 7).join(':');
      const fn =
        uri &&
        (byArn.get(uri) ??
          byArn.get(unqualified as string) ??
          [...byArn.entries()].find(([arn]) => uri.includes(`${arn}/invocations`) || uri.includes(`${arn}:`))?.[1]);
      if (!fn) throw new Error(`${scope.name}/${id} (${props.RouteKey}): its integration names no Lambda function of the assembly`);
      routes.push({ key: props.RouteKey, functionId: fn.id });
    }
  }

  // Custom resources whose ServiceToken is a function of the assembly, in template order.
  const customResources: LocalCustomResource[] = [];
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (!resource.Type.startsWith('Custom::') && resource.Type !== 'AWS::CloudFormation::CustomResource') continue;
      const props = scope.resolve(resource.Properties ?? {}) as { ServiceToken?: string } & Record<string, unknown>;
      const fn = props.ServiceToken ? byArn.get(props.ServiceToken) : undefined;
      if (!fn) throw new Error(`${scope.name}/${id} (${resource.Type}): its ServiceToken names no Lambda function of the assembly`);
      customResources.push({ logicalId: id, type: resource.Type, functionId: fn.id, properties: props });
    }
  }

  // EventBridge rules whose targets are functions of the assembly (the security notifier).
  const eventTargets: LocalEventTarget[] = [];
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type !== 'AWS::Events::Rule') continue;
      const props = scope.resolve(resource.Properties ?? {}) as { EventPattern?: Record<string, unknown>; Targets?: Array<{ Arn: string }> };
      for (const target of props.Targets ?? []) {
        const fn = byArn.get(target.Arn);
        if (fn && props.EventPattern) eventTargets.push({ ruleLogicalId: id, pattern: props.EventPattern, functionId: fn.id });
      }
    }
  }

  const kmsKeys: LocalKmsKey[] = [];
  for (const scope of scopes) {
    for (const [id, resource] of scope.resources()) {
      if (resource.Type !== 'AWS::KMS::Key') continue;
      const props = scope.resolve(resource.Properties ?? {}) as { KeyPolicy?: PolicyDocument };
      kmsKeys.push({ keyId: localKeyId(scope.name, id), arn: scope.getAtt(id, 'Arn') as string, policy: props.KeyPolicy });
    }
  }

  if (!reader.tableResource) throw new Error('The assembly defines no DynamoDB table');
  return {
    dir,
    functions,
    routes,
    customResources,
    eventTargets,
    kmsKeys,
    tableArn: `arn:${LOCAL_PARTITION}:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${tableName}`,
  };
}

export { asList };
