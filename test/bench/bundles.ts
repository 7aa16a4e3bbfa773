/**
 * Bundle sizes and import times. Every function is bundled with the very esbuild options the CDK
 * stack uses (infra/bundling.ts), and each bundle is imported in fresh `node` processes that time
 * only the `require` (or `import()`) inside the child, so node's own start-up is excluded.
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { esbuildOptions, LAZY_PACKAGES } from '../../infra/bundling';
import { addLazyChunks } from '../../infra/lazy-chunks';
import { median } from './stats';

/**
 * The SDK baseline (baseline.ts) as the functions held the SDK when it was chosen: the SDK's
 * credential providers other than the environment's lazy, as infra/bundling.ts shipped them then
 * (213 KB; inlined it is 336 KB). No function reaches them, so for the functions this changes nothing.
 */
const SDK_LAZY_PACKAGES = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
];
export const BENCH_LAZY_PACKAGES = [...LAZY_PACKAGES, ...SDK_LAZY_PACKAGES];
/** The functions' esbuild options, the SDK's credential providers kept external for the baseline. */
export const benchBuildOptions: BuildOptions = { ...esbuildOptions, external: BENCH_LAZY_PACKAGES };
/** The lazy chunks of a bench bundle: the functions' own, and the SDK baseline's. */
export const addBenchLazyChunks = (file: string) => addLazyChunks(file, BENCH_LAZY_PACKAGES);

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
  /** Bytes in the output per package (`(project)` for this repository's code), largest first. */
  packages: Array<{ name: string; bytes: number }>;
  /** Lazily loaded packages shipped beside it (infra/lazy-chunks.ts), not read at import. */
  lazy: Array<{ name: string; bytes: number }>;
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

function packagesOf(output: Metafile['outputs'][string]): Array<{ name: string; bytes: number }> {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * Builds every target, one esbuild run per format (entry points do not share code without
 * `splitting`, so each output is exactly the bundle a lone build would make, and one run is much
 * faster than thirty).
 */
export async function buildBundles(targets: BundleTarget[], outDir: string): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const format of ['cjs', 'esm'] as const) {
    const group = targets.filter((t) => t.format === format);
    if (!group.length) continue;
    const ext = format === 'esm' ? '.mjs' : '.js';
    const outs = group.map((t) => ({ target: t, out: join(format, t.name.replace(/[^\w-]+/g, '_')) }));
    const options: BuildOptions = {
      ...benchBuildOptions,
      entryPoints: outs.map(({ target, out }) => ({ in: target.entry, out })),
      outdir: outDir,
      absWorkingDir: repoRoot,
      metafile: true,
      logLevel: 'error',
      ...(format === 'esm' && { format: 'esm', outExtension: { '.js': ext }, banner: { js: esmBanner } }),
    };
    const { metafile } = await build(options);
    const outputs = new Map(Object.entries(metafile!.outputs).map(([path, output]) => [resolve(repoRoot, path), output]));
    for (const { target, out } of outs) {
      const file = join(outDir, out + ext);
      const output = outputs.get(file);
      if (!output) throw new Error(`esbuild wrote no ${file} for ${target.entry}`);
      // As the stack deploys it: the lazily loaded packages beside the handler, found on first use.
      const lazy = addBenchLazyChunks(file).map((chunk) => ({ name: relative(join(outDir, format, 'node_modules'), join(chunk, '..')), bytes: statSync(chunk).size }));
      built.push({ ...target, file, bytes: statSync(file).size, packages: packagesOf(output), lazy });
    }
  }
  return targets.map((t) => built.find((b) => b.name === t.name)!);
}

/**
 * Runs in the child: times `require` (CommonJS) or `import()` (ESM) of argv[1] and prints the wall
 * time and the process's CPU time (user + system) it took, in milliseconds. On a busy machine the
 * wall time mostly measures the neighbours; the CPU time is what the import itself costs (on an
 * idle machine, such as a Lambda sandbox during init, the two agree: the import is one thread's
 * synchronous work).
 */
const childScript = `
const file = process.argv[1];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const done = () => {
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }));
};
if (file.endsWith('.mjs')) import(require('node:url').pathToFileURL(file).href).then(done);
else { require(file); done(); }`;

export const childEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'SILENT',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
  delete env.NODE_OPTIONS; // no loaders or flags from the parent (tsx) in the measured process
  return env;
};

export interface ImportSample {
  wallMs: number;
  cpuMs: number;
}

/** One timed import of `file` in a fresh process of `node` (this process's binary unless given). */
export async function importSample(file: string, node = process.execPath): Promise<ImportSample> {
  const { stdout } = await execFileAsync(node, ['-e', childScript, file], { env: childEnv(), cwd: repoRoot, timeout: 60_000 });
  let sample: { wall?: unknown; cpu?: unknown } = {};
  try {
    sample = JSON.parse(stdout) as typeof sample;
  } catch {
    // reported below
  }
  if (typeof sample.wall !== 'number' || typeof sample.cpu !== 'number') {
    throw new Error(`Import probe of ${relative(repoRoot, file)} printed ${JSON.stringify(stdout)}`);
  }
  return { wallMs: sample.wall, cpuMs: sample.cpu };
}

/** Wall time of one import (the ESM/CJS pairs compare the same code, so the neighbours cancel out). */
export async function importTime(file: string): Promise<number> {
  return (await importSample(file)).wallMs;
}

/** A deterministic shuffle, so each round visits the bundles in a different order. */
export function shuffled<T>(items: T[], seed: number): T[] {
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
 * Up to `runs` timed imports of every bundle, interleaved (round by round, in a shuffled order) so
 * drift in machine load spreads over all bundles. One untimed round first warms the file cache.
 * Rounds stop early once `budgetSeconds` have gone (after at least `minRuns`), so the benchmark
 * stays bounded as the route table grows; the report says how many rounds ran.
 */
export async function measureImports(
  bundles: BuiltBundle[],
  options: { runs: number; minRuns: number; budgetSeconds: number },
  onRound?: (round: number) => void,
): Promise<{ samples: Map<string, number[]>; cpuSamples: Map<string, number[]>; runs: number }> {
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  const cpuSamples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  const start = performance.now();
  for (const bundle of bundles) await importSample(bundle.file);
  let round = 0;
  while (round < options.runs && (round < options.minRuns || performance.now() - start < options.budgetSeconds * 1000)) {
    for (const bundle of shuffled(bundles, round + 1)) {
      const { wallMs, cpuMs } = await importSample(bundle.file);
      samples.get(bundle.name)!.push(wallMs);
      cpuSamples.get(bundle.name)!.push(cpuMs);
    }
    onRound?.(++round);
  }
  return { samples, cpuSamples, runs: round };
}

/**
 * A paired comparison: `pairs` rounds, each importing `a` and `b` back to back (in alternating
 * order), so load on the machine hits both alike. The median of the per-pair ratios b/a is far
 * steadier on a busy machine than a ratio of two medians.
 */
export async function pairedRatio(a: string, b: string, pairs: number): Promise<{ ratio: number; aMs: number[]; bMs: number[] }> {
  const aMs: number[] = [];
  const bMs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await importTime(a);
      tb = await importTime(b);
    } else {
      tb = await importTime(b);
      ta = await importTime(a);
    }
    aMs.push(ta);
    bMs.push(tb);
    ratios.push(tb / ta);
  }
  return { ratio: median(ratios), aMs, bMs };
}
