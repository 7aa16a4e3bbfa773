/**
 * Bundle sizes and import times. Every function is bundled with the very esbuild options the CDK
 * stack uses (infra/bundling.ts), and each bundle is imported in fresh `node` processes that time
 * only the `require` (or `import()`) inside the child, so node's own start-up is excluded.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';

const execFileAsync = promisify(execFile);

export const repoRoot = join(__dirname, '..', '..');

export interface BundleTarget {
  /** Unique label: the handler name (`auth/login`), `baseline`, or a variant such as `auth/login (esm)`. */
  name: string;
  kind: 'function' | 'baseline' | 'variant';
  entry: string;
  format: 'cjs' | 'esm';
  route?: string;
}

export interface BuiltBundle extends BundleTarget {
  file: string;
  bytes: number;
  /** The packages (or `(project)`) that make up most of the bundle, largest first. */
  topInputs: Array<{ name: string; bytes: number }>;
}

/**
 * An ESM bundle needs a real `require` for the CommonJS parts esbuild inlines (their `require` of
 * node built-ins); this is the usual banner for ESM on Lambda (also what CDK's docs suggest).
 */
const esmBanner = "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);";

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : '(project)';
}

function topInputs(metafile: Metafile, count = 4): Array<{ name: string; bytes: number }> {
  // One entry point, no splitting, no source map: exactly one output.
  const output = Object.values(metafile.outputs)[0]!;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

export async function buildBundle(target: BundleTarget, outDir: string): Promise<BuiltBundle> {
  const safe = target.name.replace(/[^\w-]+/g, '_');
  const outfile = join(outDir, target.format, `${safe}.${target.format === 'esm' ? 'mjs' : 'js'}`);
  const options: BuildOptions = {
    ...esbuildOptions,
    entryPoints: [target.entry],
    outfile,
    absWorkingDir: repoRoot,
    metafile: true,
    logLevel: 'error',
    ...(target.format === 'esm' && { format: 'esm', banner: { js: esmBanner } }),
  };
  const result = await build(options);
  return { ...target, file: outfile, bytes: statSync(outfile).size, topInputs: topInputs(result.metafile!) };
}

/** Runs in the child: times `require` (CommonJS) or `import()` (ESM) of argv[1] and prints milliseconds. */
const childScript = `
const file = process.argv[1];
const t0 = performance.now();
if (file.endsWith('.mjs')) {
  import(require('node:url').pathToFileURL(file).href).then(() => process.stdout.write(String(performance.now() - t0)));
} else {
  require(file);
  process.stdout.write(String(performance.now() - t0));
}`;

const childEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
  delete env.NODE_OPTIONS; // no loaders or flags from the parent (tsx) in the measured process
  return env;
};

export async function importTime(file: string): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, ['-e', childScript, file], { env: childEnv(), cwd: repoRoot, timeout: 60_000 });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`Import probe of ${relative(repoRoot, file)} printed ${JSON.stringify(stdout)}`);
  return ms;
}

/** A deterministic shuffle, so each round visits the bundles in a different order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * `runs` timed imports of every bundle, interleaved (round by round, in a shuffled order) so drift in
 * machine load spreads over all bundles. One untimed round first warms the file cache.
 */
export async function measureImports(
  bundles: BuiltBundle[],
  runs: number,
  onRound?: (round: number) => void,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  for (const bundle of bundles) await importTime(bundle.file);
  for (let round = 0; round < runs; round++) {
    for (const bundle of shuffled(bundles, round + 1)) samples.get(bundle.name)!.push(await importTime(bundle.file));
    onRound?.(round + 1);
  }
  return samples;
}
