/**
 * `npm run sam-env`: writes the `--env-vars` file that `sam local start-api` / `sam local invoke`
 * need to run the synthesized functions against DynamoDB Local on the host and a local data key:
 *
 *   npx cdk synth -c local=true [-c architecture=x86_64]
 *   npm run sam-env [-- --out sam-env.json --cdk-out cdk.out --dynamodb http://host.docker.internal:8000]
 *
 * The template's own values name CloudFormation resources (`Ref` of the table, the KMS key ARN),
 * which mean nothing outside AWS. For every function of the template and its nested stacks (keyed by
 * logical ID, and by `<nested stack>/<function>` as SAM also looks them up) the file sets TABLE_NAME,
 * DATA_KEY_SOURCE=file, DATA_KEY_FILE, DYNAMODB_ENDPOINT and KMS_KEY_ID (unused with a file key).
 * SAM only overrides variables the template declares, which is why `-c local=true` declares the local
 * ones. The data key file (the one `npm start` uses, .data/data-key) is copied into each function's
 * asset folder, which SAM mounts at /var/task, so every function seals and opens with the same key.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

type Json = Record<string, any>;

export interface SamFunction {
  /** The function's logical ID in its own template. */
  logicalId: string;
  /** `<nested stack logical ID>/<function logical ID>`, or the logical ID in the top-level template. */
  fullPath: string;
  /** The function's Environment.Variables in the template (literals and intrinsics). */
  environment: Record<string, unknown>;
  /** Its code folder in cdk.out (aws:asset:path), when the code is an asset. */
  assetDir?: string;
}

export interface SamEnvOptions {
  dynamoDbEndpoint: string;
  tableName: string;
  /** Where the data key file is inside the container (SAM mounts the asset folder at /var/task). */
  dataKeyFile: string;
}

export const SAM_ENV_DEFAULTS: SamEnvOptions = {
  dynamoDbEndpoint: 'http://host.docker.internal:8000',
  tableName: 'twofactor',
  dataKeyFile: '/var/task/data-key',
};

/** The variables the file sets: what points a function away from AWS. */
export const SAM_LOCAL_VARIABLES = ['TABLE_NAME', 'DATA_KEY_SOURCE', 'DATA_KEY_FILE', 'DYNAMODB_ENDPOINT', 'KMS_KEY_ID'] as const;

/** The top-level stack templates of a cloud assembly (manifest.json). */
export function stackTemplates(cdkOut: string): string[] {
  const manifest = JSON.parse(readFileSync(join(cdkOut, 'manifest.json'), 'utf8')) as Json;
  return Object.values(manifest.artifacts as Record<string, Json>)
    .filter((a) => a.type === 'aws:cloudformation:stack')
    .map((a) => a.properties.templateFile as string);
}

/** Every function of the service in a template and in its nested stacks (CDK writes their templates beside it). */
export function samFunctions(cdkOut: string, templateFile: string, prefix = ''): SamFunction[] {
  const template = JSON.parse(readFileSync(join(cdkOut, templateFile), 'utf8')) as Json;
  return Object.entries((template.Resources ?? {}) as Record<string, Json>).flatMap(([id, resource]): SamFunction[] => {
    if (resource.Type === 'AWS::CloudFormation::Stack') {
      const nested = resource.Metadata?.['aws:asset:path'] as string | undefined;
      if (!nested) throw new Error(`Nested stack ${id} has no aws:asset:path: synthesize with the CDK CLI (npx cdk synth)`);
      return samFunctions(cdkOut, nested, `${prefix}${id}/`);
    }
    if (resource.Type !== 'AWS::Lambda::Function') return [];
    // The service's functions all read TABLE_NAME; CDK's helpers (the front door's page upload) are no business of sam local.
    if (!('TABLE_NAME' in (resource.Properties?.Environment?.Variables ?? {}))) return [];
    const asset = resource.Metadata?.['aws:asset:path'] as string | undefined;
    return [
      {
        logicalId: id,
        fullPath: `${prefix}${id}`,
        environment: resource.Properties?.Environment?.Variables ?? {},
        ...(asset && { assetDir: join(cdkOut, asset) }),
      },
    ];
  });
}

/** The `--env-vars` object: per function, the local values of SAM_LOCAL_VARIABLES. */
export function samEnvVars(functions: readonly SamFunction[], options: SamEnvOptions = SAM_ENV_DEFAULTS): Record<string, Record<string, string>> {
  const local: Record<(typeof SAM_LOCAL_VARIABLES)[number], string> = {
    TABLE_NAME: options.tableName,
    DATA_KEY_SOURCE: 'file',
    DATA_KEY_FILE: options.dataKeyFile,
    DYNAMODB_ENDPOINT: options.dynamoDbEndpoint,
    KMS_KEY_ID: 'unused-with-a-file-data-key',
  };
  const vars: Record<string, Record<string, string>> = {};
  for (const fn of functions) {
    const undeclared = SAM_LOCAL_VARIABLES.filter((name) => !(name in fn.environment));
    if (undeclared.length > 0) {
      throw new Error(
        `${fn.fullPath} does not declare ${undeclared.join(', ')}; sam local only overrides declared variables: synthesize with -c local=true`,
      );
    }
    const values = Object.fromEntries(SAM_LOCAL_VARIABLES.map((name) => [name, local[name]]));
    vars[fn.logicalId] = values;
    vars[fn.fullPath] = values;
  }
  return vars;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'sam-env.json' },
      'cdk-out': { type: 'string', default: 'cdk.out' },
      dynamodb: { type: 'string', default: SAM_ENV_DEFAULTS.dynamoDbEndpoint },
      table: { type: 'string', default: process.env.TABLE_NAME ?? SAM_ENV_DEFAULTS.tableName },
      'data-key': { type: 'string', default: process.env.DATA_KEY_FILE ?? '.data/data-key' },
    },
  });
  const cdkOut = resolve(values['cdk-out']);
  if (!existsSync(join(cdkOut, 'manifest.json'))) throw new Error(`${cdkOut} holds no cloud assembly: run npx cdk synth -c local=true first`);
  const functions = stackTemplates(cdkOut).flatMap((template) => samFunctions(cdkOut, template));
  const vars = samEnvVars(functions, { ...SAM_ENV_DEFAULTS, dynamoDbEndpoint: values.dynamodb, tableName: values.table });
  if (!existsSync(values['data-key'])) {
    throw new Error(`No data key at ${values['data-key']}: run npm start once (it creates the key, the table and the demo users)`);
  }
  for (const dir of new Set(functions.flatMap((fn) => (fn.assetDir ? [fn.assetDir] : [])))) {
    copyFileSync(values['data-key'], join(dir, 'data-key'));
  }
  writeFileSync(values.out, JSON.stringify(vars, null, 2) + '\n');
  console.log(`${values.out}: ${functions.length} functions, DynamoDB at ${values.dynamodb}, table ${values.table}; data key copied into their asset folders`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`sam-env: ${(error as Error).message}`);
    process.exit(1);
  }
}
