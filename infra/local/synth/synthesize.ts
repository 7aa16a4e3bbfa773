/**
 * `cdk synth` as a deployment runs it (the real esbuild bundling, cdk-nag and all), into a cloud
 * assembly folder. An assembly is reused when nothing it is built from changed: the sources of the
 * app, the functions and the domain, the lock file, cdk.json and the context values.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');

/** Everything `cdk synth` reads; infra/local is the local runner, not part of the deployment. */
const INPUTS = ['infra', 'functions', 'shared', 'package-lock.json', 'cdk.json', 'tsconfig.json'];
const EXCLUDED = [join('infra', 'local')];

/**
 * Context values for a deployment served on this machine: its origin, and nothing to retain. The
 * local gateway is the front door here (the page, the security headers, the source address), so
 * the synthesized stack has no CloudFront of its own.
 */
export function localContext(port: number): Record<string, string> {
  return {
    issuer: `http://127.0.0.1:${port}`,
    webauthnRpId: 'localhost',
    webauthnOrigins: `http://localhost:${port}`,
    deletionProtection: 'false',
    frontDoor: 'false',
    // Every country, deliberately (the local SMS outbox costs nothing).
    smsAllowedCountryCodes: 'all',
  };
}

function files(path: string): string[] {
  const rel = relative(PROJECT_ROOT, path);
  if (EXCLUDED.includes(rel) || !existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

export function inputHash(context: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => files(join(PROJECT_ROOT, input)))) {
    hash.update(relative(PROJECT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  hash.update(JSON.stringify(Object.entries(context).sort()));
  return hash.digest('hex').slice(0, 16);
}

export interface SynthResult {
  dir: string;
  cached: boolean;
}

/**
 * The assembly for these context values under `cacheDir/<hash>`, synthesized unless there already.
 * `keepOthers: false` removes the assemblies of older inputs.
 */
export async function synthesize(
  context: Record<string, string>,
  options: { cacheDir: string; keepOthers?: boolean; log?: (line: string) => void },
): Promise<SynthResult> {
  const hash = inputHash(context);
  const dir = resolve(options.cacheDir, hash);
  if (existsSync(join(dir, 'manifest.json'))) return { dir, cached: true };
  if (!options.keepOthers && existsSync(options.cacheDir)) {
    for (const name of readdirSync(options.cacheDir)) rmSync(join(options.cacheDir, name), { recursive: true, force: true });
  }
  const staging = `${dir}.tmp-${process.pid}`;
  const args = [require.resolve('aws-cdk/bin/cdk'), 'synth', '--quiet', '--no-notices', '--output', staging];
  for (const [name, value] of Object.entries(context)) args.push('--context', `${name}=${value}`);
  options.log?.(`Synthesizing the stack (cdk synth, bundling every function) into ${relative(PROJECT_ROOT, dir) || dir} ...`);
  let output = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`cdk synth failed (exit ${code}):\n${output.trim().split('\n').slice(-40).join('\n')}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return { dir, cached: false };
}
