/**
 * What metrics and tracing cost each function at a cold start, before and after, as ratios to the
 * baseline's import (the bench's other import figures are too). Three builds of every function with
 * the deployed esbuild options, imported interleaved with the baseline in fresh `node` processes:
 *
 * - before: shared/metrics.ts and shared/store/aws-call-tracing.ts stubbed out (no Powertools
 *   Metrics, no tracing code): the function as it was without them;
 * - after, tracing off: the bundle as deployed (the tracing module is in it, never evaluated);
 * - after, tracing on: the same with the tracing module evaluated at import, which is what a function
 *   with X-Ray active tracing pays on its first AWS call (shared/store/aws-client.ts imports it then).
 *
 * Powertools Tracer (the alternative, not a dependency) is measured as a piece beside the baseline in
 * import-pieces.ts. BENCH_OBSERVABILITY_RUNS rounds (3), fewer (at least 2) once
 * BENCH_OBSERVABILITY_BUDGET_SECONDS (45) have gone.
 * `npx tsx test/bench/observability.ts [handler…]` prints the table alone (every function, or those named).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { addBenchLazyChunks, benchBuildOptions, buildBundles, measureImports, repoRoot, type BuiltBundle } from './bundles';
import { median } from './stats';

export const VARIANTS = ['before', 'tracing off', 'tracing on'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * Replaces shared/metrics.ts with no-op exports of the same names (its constants from their own
 * module) and the tracing module with an empty one: the bundle as it was before either.
 */
function withoutObservability(): Plugin {
  const source = readFileSync(join(repoRoot, 'shared', 'metrics.ts'), 'utf8');
  const functions = [...source.matchAll(/^export (?:const|(?:async )?function) (\w+)/gm)].map((m) => m[1]!);
  const reexported = /^export \{([^}]+)\};/m.exec(source)?.[1] ?? '';
  const metricsStub = [
    ...functions.map((name) => `export const ${name} = () => {};`),
    reexported.trim() && `export {${reexported}} from ${JSON.stringify(join(repoRoot, 'shared', 'model', 'metric-names'))};`,
  ].join('\n');
  return {
    name: 'without-observability',
    setup(b) {
      const ours = (importer: string) => importer.startsWith(join(repoRoot, 'shared')) || importer.startsWith(join(repoRoot, 'functions'));
      b.onResolve({ filter: /\/metrics$/ }, (args) => (ours(args.importer) ? { path: 'metrics', namespace: 'stub' } : undefined));
      b.onResolve({ filter: /\/aws-call-tracing$/ }, (args) => (ours(args.importer) ? { path: 'tracing', namespace: 'stub' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
        contents: args.path === 'metrics' ? metricsStub : 'export const tracingInterceptor = () => (call, next) => next(call);',
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}

const fileName = (name: string) => name.replace(/[^\w-]+/g, '_');

/** The before and tracing-on builds of each function (the tracing-off one is the deployed bundle). */
export async function buildObservabilityVariants(functions: BuiltBundle[], outDir: string): Promise<Map<string, Record<Variant, BuiltBundle>>> {
  const entries = join(outDir, 'entries');
  mkdirSync(entries, { recursive: true });
  const tracing = join(repoRoot, 'shared', 'store', 'aws-call-tracing');
  const onEntries = functions.map((f) => {
    const file = join(entries, `${fileName(f.name)}.ts`);
    writeFileSync(file, `export * from ${JSON.stringify(join(repoRoot, f.entry.replace(/\.ts$/, '')))};\nimport ${JSON.stringify(tracing)};\n`);
    return { in: file, out: join('on', fileName(f.name)) };
  });
  const common = { ...benchBuildOptions, outdir: outDir, absWorkingDir: repoRoot, logLevel: 'error' as const };
  await build({ ...common, entryPoints: functions.map((f) => ({ in: f.entry, out: join('before', fileName(f.name)) })), plugins: [withoutObservability()] });
  await build({ ...common, entryPoints: onEntries });
  const variant = (f: BuiltBundle, dir: string, label: Variant): BuiltBundle => {
    const file = join(outDir, dir, `${fileName(f.name)}.js`);
    addBenchLazyChunks(file);
    return { ...f, name: `${f.name} [${label}]`, kind: 'variant', file, bytes: statSync(file).size, packages: [], lazy: [] };
  };
  return new Map(
    functions.map((f) => [
      f.name,
      { before: variant(f, 'before', 'before'), 'tracing off': { ...f, name: `${f.name} [tracing off]`, kind: 'variant' }, 'tracing on': variant(f, 'on', 'tracing on') },
    ]),
  );
}

export interface ObservabilityRow {
  name: string;
  bytes: Record<Variant, number>;
  wallMs: Record<Variant, number>;
  cpuMs: Record<Variant, number>;
}

export interface ObservabilityResult {
  runs: number;
  baseline: { wallMs: number; cpuMs: number };
  rows: ObservabilityRow[];
}

/** Every variant of every function and the baseline, interleaved, `runs` rounds within the budget. */
export async function measureObservability(
  functions: BuiltBundle[],
  baseline: BuiltBundle,
  outDir: string,
  options: { runs: number; minRuns: number; budgetSeconds: number },
  onRound?: (round: number) => void,
): Promise<ObservabilityResult> {
  const variants = await buildObservabilityVariants(functions, outDir);
  // The deployed bundle is measured again here, beside its variants: same rounds, same load.
  const timed = [baseline, ...[...variants.values()].flatMap((v) => VARIANTS.map((label) => v[label]))];
  const { samples, cpuSamples, runs } = await measureImports(timed, options, onRound);
  const of = (f: BuiltBundle, label: Variant) => variants.get(f.name)![label].name;
  const per = (map: Map<string, number[]>, f: BuiltBundle) => Object.fromEntries(VARIANTS.map((label) => [label, median(map.get(of(f, label))!)])) as Record<Variant, number>;
  return {
    runs,
    baseline: { wallMs: median(samples.get(baseline.name)!), cpuMs: median(cpuSamples.get(baseline.name)!) },
    rows: functions.map((f) => ({
      name: f.name,
      bytes: Object.fromEntries(VARIANTS.map((label) => [label, variants.get(f.name)![label].bytes])) as Record<Variant, number>,
      wallMs: per(samples, f),
      cpuMs: per(cpuSamples, f),
    })),
  };
}

/** The printed table: per function, import CPU and wall as ratios to the baseline's, and the costs. */
export function observabilityTable(result: ObservabilityResult): string {
  const { baseline } = result;
  const x = (ms: number, base: number) => (Number.isFinite(ms) && base > 0 ? `${(ms / base).toFixed(2)}×` : '–');
  const header = ['function', 'KB before→after', 'cpu before', 'tracing off', 'tracing on', 'metrics +', 'tracing +', 'wall before', 'tracing off', 'tracing on'];
  const rows = result.rows.map((r) => [
    r.name,
    `${(r.bytes.before / 1024).toFixed(0)}→${(r.bytes['tracing off'] / 1024).toFixed(0)}`,
    x(r.cpuMs.before, baseline.cpuMs),
    x(r.cpuMs['tracing off'], baseline.cpuMs),
    x(r.cpuMs['tracing on'], baseline.cpuMs),
    x(r.cpuMs['tracing off'] - r.cpuMs.before, baseline.cpuMs),
    x(r.cpuMs['tracing on'] - r.cpuMs['tracing off'], baseline.cpuMs),
    x(r.wallMs.before, baseline.wallMs),
    x(r.wallMs['tracing off'], baseline.wallMs),
    x(r.wallMs['tracing on'], baseline.wallMs),
  ]);
  const all = (pick: (r: ObservabilityRow) => number) => median(result.rows.map(pick)) / baseline.cpuMs;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [
    `Metrics and tracing at import, before (both stubbed out) and after (as deployed; tracing on: the tracing module evaluated, as at the first AWS call), ` +
      `median of ${result.runs} fresh \`node\` processes each, interleaved with the baseline (${process.version}); ratios to the baseline's import ` +
      `(cpu ${baseline.cpuMs.toFixed(1)} ms, wall ${baseline.wallMs.toFixed(1)} ms); metrics + and tracing +: what each adds, over the baseline`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    `Median over the functions: metrics add ${all((r) => r.cpuMs['tracing off'] - r.cpuMs.before).toFixed(2)}×, tracing on adds ` +
      `${all((r) => r.cpuMs['tracing on'] - r.cpuMs['tracing off']).toFixed(2)}× the baseline's import CPU (a difference of medians: ±0.05× is noise on a busy machine)`,
  ].join('\n');
}

if (require.main === module) {
  void (async () => {
    const { routes } = await import('../../functions/routes');
    const wanted = process.argv.slice(2);
    const handlers = [...new Set(Object.values(routes as Record<string, { handler: string }>).map((r) => r.handler))].filter((h) => !wanted.length || wanted.includes(h));
    const dir = mkdtempSync(join(tmpdir(), 'twofactor-observability-'));
    try {
      const built = await buildBundles(
        [
          ...handlers.map((h) => ({ name: h, kind: 'function' as const, entry: `functions/${h}.ts`, format: 'cjs' as const })),
          { name: 'baseline', kind: 'baseline' as const, entry: 'test/bench/baseline.ts', format: 'cjs' as const },
        ],
        join(dir, 'bundles'),
      );
      const runs = Number(process.env.BENCH_OBSERVABILITY_RUNS ?? 3);
      const budgetSeconds = Number(process.env.BENCH_OBSERVABILITY_BUDGET_SECONDS ?? 45);
      const result = await measureObservability(built.slice(0, -1), built.at(-1)!, join(dir, 'observability'), { runs, minRuns: Math.min(2, runs), budgetSeconds }, (r) =>
        process.stderr.write(`round ${r}/${runs}\n`),
      );
      console.log(observabilityTable(result));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
}
