/**
 * `npm run bench`: what each function costs to ship and to start, and what each request costs to
 * serve.
 *   1. Bundles: every function in functions/routes.ts built with infra/bundling.ts's esbuild options,
 *      its size, and the median time to import it in a fresh node process, beside a baseline
 *      (test/bench/baseline.ts: one DocumentClient GetCommand) and ESM builds of auth/login and the
 *      baseline (the case for CommonJS), and the baseline's read made with the service's own DynamoDB
 *      client instead of the SDK (baseline-client.ts).
 *   2. DynamoDB calls per request, cold and warm, for every scenario in scenarios.ts, through the
 *      local gateway against DynamoDB Local, counted on the handlers' DocumentClient.
 *   3. p50/p99 latency of the scenarios marked `latency`, as a ratio to GET /health.
 *   4. Load (test/bench/load/): the second-factor and password steps at c=1 and c=16 from a separate
 *      server process, beside better-auth's two-factor plugin and the step's floor on DynamoDB (with
 *      no client library, our client, the SDK's document client); DynamoDB units; cost per million;
 *      then the verify handler alone, in-process (load/in-process.ts): where its CPU goes.
 *   5. What each shared piece adds to the baseline's import (import-pieces.ts), and the time from
 *      process start to the first handled event per function on the functions' Node (first-event.ts).
 *   6. What metrics and tracing cost each function's import, before and after (observability.ts).
 * Fails (exit 1) when a bundle is over BENCH_MAX_BUNDLE_BYTES (1.5 MB), a warm request makes more
 * DynamoDB calls than its scenario's `maxCalls`, or a scenario gets an unexpected status.
 * Results: printed tables, then JSON on stdout and in test/bench/results.json.
 *
 * Knobs (environment): BENCH_IMPORT_RUNS (15; fewer, but at least 5, once BENCH_IMPORT_BUDGET_SECONDS,
 * 75, have gone), BENCH_ESM_PAIRS (25), BENCH_FIRST_EVENT_RUNS (3), BENCH_LATENCY_ITERATIONS (200),
 * BENCH_LATENCY_MAX_SECONDS (20 per scenario), BENCH_MAX_BUNDLE_BYTES (1572864), BENCH_KEEP=1 keeps
 * the bundles (printed directory), BENCH_OBSERVABILITY_RUNS (3; at least 2 once
 * BENCH_OBSERVABILITY_BUDGET_SECONDS, 45, have gone), BENCH_TRACER_DIR (a folder where
 * `npm install --prefix <dir> @aws-lambda-powertools/tracer` ran: adds Powertools Tracer to the pieces).
 */
import { benchTmpDir } from './env'; // first: sets the environment before configuration is read
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Server } from 'node:http';
import { esbuildOptions } from '../../infra/bundling';
import { buildBundles, measureImports, pairedRatio, repoRoot, type BundleTarget, type BuiltBundle } from './bundles';
import type { LocalDynamoDb } from '../../infra/local/dynamodb';
import type { LatencyResult } from './requests';
import type { Scenario } from './scenarios';
import { median } from './stats';
import { runLoadPhase } from './load';
import { inProcessReport } from './load/in-process';
import { measurePieces, pieceTable } from './import-pieces';
import { firstEventTable, measureFirstEvents } from './first-event';
import { measureObservability, observabilityTable, VARIANTS } from './observability';

const numberFromEnv = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
};

const settings = {
  importRuns: numberFromEnv('BENCH_IMPORT_RUNS', 15),
  importMinRuns: 5,
  importBudgetSeconds: numberFromEnv('BENCH_IMPORT_BUDGET_SECONDS', 75),
  esmPairs: numberFromEnv('BENCH_ESM_PAIRS', 25),
  firstEventRuns: numberFromEnv('BENCH_FIRST_EVENT_RUNS', 3),
  latencyIterations: numberFromEnv('BENCH_LATENCY_ITERATIONS', 200),
  latencyMaxSeconds: numberFromEnv('BENCH_LATENCY_MAX_SECONDS', 20),
  latencyWarmup: 3,
  observabilityRuns: numberFromEnv('BENCH_OBSERVABILITY_RUNS', 3),
  observabilityMinRuns: 2,
  observabilityBudgetSeconds: numberFromEnv('BENCH_OBSERVABILITY_BUDGET_SECONDS', 45),
  maxBundleBytes: numberFromEnv('BENCH_MAX_BUNDLE_BYTES', 1.5 * 1024 * 1024),
};

const resultsFile = join(__dirname, 'results.json');

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : null);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)}`;
const ratio = (n: number, base: number) => (base > 0 ? `${(n / base).toFixed(2)}×` : '–');

function table(header: string[], rows: string[][], right: number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

interface ImportStats {
  medianMs: number;
  /** Median CPU time of the import (bundles.ts): what the ×baseline ratios are computed from. */
  cpuMedianMs: number;
  minMs: number;
  maxMs: number;
  samples: number[];
}

interface ScenarioResult {
  name: string;
  route: string;
  coldCalls: string[];
  warmCalls: string[];
  maxCalls?: number;
  latency?: LatencyResult;
  error?: string;
}

let dynamo: LocalDynamoDb | undefined;
let server: Server | undefined;
let cleaned = false;
let scryptLogN: number | undefined;
/** Seconds per phase, for the report (and for keeping the whole run under ~3 minutes). */
const phases: Record<string, number> = {};
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    phases[name] = Number(((performance.now() - t0) / 1000).toFixed(1));
  }
}

async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  // First, as it cannot hang: a signal to the whole process group may not leave time for the rest.
  if (process.env.BENCH_KEEP !== '1') rmSync(benchTmpDir, { recursive: true, force: true });
  const stopping = dynamo?.stop(); // sends SIGTERM at once, then waits for the exit
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
  try {
    const { resetDb } = await import('../../shared/store/client');
    resetDb();
  } catch {
    // nothing loaded
  }
  await stopping;
}

// `on`, not `once`: a Ctrl-C reaches this process twice (directly and relayed by tsx), and a second
// signal without a listener would kill it halfway through the cleanup.
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    log(`${signal}: stopping DynamoDB Local and the gateway`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function benchBundles(failures: string[]) {
  const { routeEntries } = await import('../../functions/routes');
  const byHandler = new Map<string, BundleTarget>();
  for (const [key, route] of routeEntries()) {
    const existing = byHandler.get(route.handler);
    if (existing) existing.route += `, ${key}`;
    else byHandler.set(route.handler, { name: route.handler, kind: 'function', entry: `functions/${route.handler}.ts`, format: 'cjs', route: key });
  }
  const baseline: BundleTarget = { name: 'baseline', kind: 'baseline', entry: 'test/bench/baseline.ts', format: 'cjs' };
  const heavy = byHandler.get('auth/login') ?? [...byHandler.values()][0]!;
  const targets: BundleTarget[] = [
    ...byHandler.values(),
    baseline,
    { ...heavy, name: `${heavy.name} (esm)`, kind: 'variant', format: 'esm' },
    { ...baseline, name: 'baseline (esm)', kind: 'variant', format: 'esm' },
    {
      name: 'zitadel/rpc-add-second-factor (@zitadel/proto)',
      kind: 'variant',
      entry: 'test/bench/zitadel-proto-variant.ts',
      format: 'cjs',
      route: 'as if built on @zitadel/proto',
    },
    { name: 'baseline (our client)', kind: 'variant', entry: 'test/bench/baseline-client.ts', format: 'cjs', route: 'the same read with our DynamoDB client' },
  ];
  const outDir = join(benchTmpDir, 'bundles');
  log(`building ${targets.length} bundles into ${outDir}`);
  const built: BuiltBundle[] = await phase('build', () => buildBundles(targets, outDir));
  log(`timing imports: ${settings.importRuns} runs × ${built.length} bundles, interleaved (node ${process.version})`);
  const importOptions = {
    runs: settings.importRuns,
    minRuns: Math.min(settings.importMinRuns, settings.importRuns),
    budgetSeconds: settings.importBudgetSeconds,
  };
  const { samples, cpuSamples, runs } = await phase('imports', () =>
    measureImports(built, importOptions, (r) => {
      if (r % 5 === 0 || r === settings.importRuns) log(`  import round ${r}/${settings.importRuns}`);
    }),
  );
  if (runs < settings.importRuns) log(`  stopped after ${runs} rounds: the ${settings.importBudgetSeconds}-second import budget is spent`);
  const stats = new Map<string, ImportStats>(
    built.map((b) => {
      const s = samples.get(b.name)!;
      return [b.name, { medianMs: median(s), cpuMedianMs: median(cpuSamples.get(b.name)!), minMs: Math.min(...s), maxMs: Math.max(...s), samples: s }];
    }),
  );
  // ESM vs CJS: paired imports of the same code in both formats, beside the medians above.
  const fileOf = (name: string) => built.find((b) => b.name === name)!.file;
  const paired: Record<string, Awaited<ReturnType<typeof pairedRatio>>> = {};
  await phase('esm-pairs', async () => {
    log(`ESM vs CJS: ${settings.esmPairs} paired imports each of ${heavy.name} and the baseline`);
    for (const name of [heavy.name, 'baseline']) paired[name] = await pairedRatio(fileOf(name), fileOf(`${name} (esm)`), settings.esmPairs);
  });
  for (const b of built) {
    if (b.kind === 'function' && b.bytes > settings.maxBundleBytes) {
      failures.push(`bundle ${b.name} is ${b.bytes} bytes, over the ${settings.maxBundleBytes}-byte limit`);
    }
  }
  return { built, stats, heavy: heavy.name, runs, paired };
}

async function benchRequests(failures: string[]) {
  const { startDynamoDbLocal } = await import('../../infra/local/dynamodb');
  const { ensureTable } = await import('../../infra/local/create-table');
  const { applyLocalDefaults } = await import('../../infra/local/environment');
  log('starting DynamoDB Local');
  dynamo = await phase('dynamodb-start', () => startDynamoDbLocal({ port: 0, jvm: 'full' }));
  await ensureTable(dynamo.endpoint, process.env.TABLE_NAME!);
  applyLocalDefaults(0, dynamo.endpoint);
  const { startGateway } = await import('../../infra/local/gateway');
  const gateway = await startGateway(0);
  server = gateway.server;
  // The issuer is read once, at the first token; point it at the real gateway port.
  process.env.TOKEN_ISSUER = gateway.url;
  const requests = await import('./requests');
  const { scenarios } = await import('./scenarios');
  const { bootstrapUser } = await import('../../shared/identity/bootstrap');
  const { routes } = await import('../../functions/routes');
  const { config } = await import('../../shared/config');
  scryptLogN = config().SCRYPT_LOG_N;
  requests.counter.install();
  log(`gateway ${gateway.url}, DynamoDB Local ${dynamo.endpoint}; creating the demo org (scrypt N=2^${scryptLogN})`);
  const admin = await bootstrapUser(`Bench ${Date.now()}`, `bench-admin-${Date.now()}@example.test`, 'admin');
  const ctx = requests.makeContext(gateway.url, admin);
  ctx.tokens = await ctx.login();

  const results: ScenarioResult[] = [];
  const scenariosStart = performance.now();
  for (const scenario of scenarios) {
    const result: ScenarioResult = { name: scenario.name, route: scenario.route, coldCalls: [], warmCalls: [], maxCalls: scenario.maxCalls };
    results.push(result);
    try {
      await scenario.setup?.(ctx);
      requests.resetWarmCaches();
      result.coldCalls = (await requests.runOnce(ctx, scenario)).calls;
      result.warmCalls = (await requests.runOnce(ctx, scenario)).calls;
      if (scenario.maxCalls !== undefined && result.warmCalls.length > scenario.maxCalls) {
        failures.push(`${scenario.name} (${scenario.route}) made ${result.warmCalls.length} DynamoDB calls (${result.warmCalls.join(', ')}), over its maxCalls ${scenario.maxCalls}`);
      }
      if (scenario.latency) {
        log(`latency: ${scenario.name}`);
        result.latency = await requests.latencyLoop(ctx, scenario, {
          iterations: settings.latencyIterations,
          maxSeconds: settings.latencyMaxSeconds,
          warmup: settings.latencyWarmup,
        });
        const alternate = typeof scenario.latency === 'object' ? scenario.latency.alternateWith : undefined;
        const alternateRow = alternate && results.find((r) => r.name === alternate.name);
        if (alternateRow) alternateRow.latency = result.latency.alternate;
      }
    } catch (error) {
      result.error = (error as Error).message;
      failures.push(`${scenario.name}: ${result.error}`);
    }
  }
  phases.scenarios = Number(((performance.now() - scenariosStart) / 1000).toFixed(1));
  const health = results.find((r) => r.route === 'GET /health');
  if (health && !health.error && health.warmCalls.length === 0) {
    failures.push('GET /health made no DynamoDB call: the call counter is not on the handlers’ client');
  }
  const exercised = new Set(scenarios.map((s: Scenario) => s.route));
  const notExercised = Object.keys(routes).filter((key) => !exercised.has(key as Scenario['route']));
  return { results, notExercised, ctx };
}

/**
 * Packages worth knowing the whereabouts of (DESIGN.md, performance notes): which functions carry
 * them. A package in every function is listed once as such.
 */
const watchedPackages: Array<[label: string, match: RegExp]> = [
  ['zod', /^zod$/],
  ['jose (none of the functions should hold it: tokens are ES256 on node:crypto)', /^jose$/],
  ['otplib (+ @otplib/*, @noble/*, @scure/*)', /^(otplib|@otplib\/.*|@noble\/.*|@scure\/.*)$/],
  ['qrcode (+ pngjs, dijkstrajs)', /^(qrcode|pngjs|dijkstrajs)$/],
  ['@simplewebauthn/server (+ its deps)', /^(@simplewebauthn\/server|@levischuck\/.*|@peculiar\/.*|asn1js|pvtsutils|pvutils)$/],
  ['the AWS SDK (@aws-sdk/*, @smithy/*: none of the functions should hold it)', /^(@aws-sdk\/(?!util-dynamodb$).*|@smithy\/.*)$/],
  ['libphonenumber-js', /^libphonenumber-js$/],
  ['@bufbuild/protobuf + @connectrpc/connect (RPC routes)', /^(@bufbuild\/protobuf|@connectrpc\/connect)$/],
  ['@zitadel/proto (only the bench variant)', /^@zitadel\/proto$/],
];

function watchedPackageLines(functions: BuiltBundle[], kb: (bytes: number) => string): string[] {
  const lines = ['Watched packages (KB in bundle):'];
  for (const [label, match] of watchedPackages) {
    const holders = functions
      .map((f) => ({ f, bytes: f.packages.filter((p) => match.test(p.name)).reduce((sum, p) => sum + p.bytes, 0) }))
      .filter((h) => h.bytes > 0);
    if (!holders.length) continue;
    const sizes = holders.map((h) => h.bytes);
    const [lo, hi] = [kb(Math.min(...sizes)), kb(Math.max(...sizes))];
    lines.push(
      holders.length === functions.length
        ? `  ${label}: all ${functions.length} functions (${lo === hi ? lo : `${lo}–${hi}`} KB)`
        : `  ${label}: ${holders.map((h) => `${h.f.name} ${kb(h.bytes)}`).join(', ')}`,
    );
  }
  const lazy = new Map<string, { bytes: number; functions: number }>();
  for (const f of functions) for (const c of f.lazy) lazy.set(c.name, { bytes: c.bytes, functions: (lazy.get(c.name)?.functions ?? 0) + 1 });
  lines.push('Lazy chunks (shipped beside the handler, read on first use only; infra/lazy-chunks.ts):');
  for (const [name, { bytes, functions: n }] of lazy) lines.push(`  ${name}: ${kb(bytes)} KB, beside ${n} of ${functions.length} functions`);
  return lines;
}

/** What a bundle should not hold (the SNS client outside the SMS routes is the stack test's: test/unit/stack.test.ts). Warnings, not failures. */
async function designWarnings(functions: BuiltBundle[]): Promise<string[]> {
  return [
    ...functions
      .filter((f) => f.packages.some((p) => p.name === '@zitadel/proto'))
      .map((f) => `${f.name} bundles @zitadel/proto (about 480 KB): declare the messages it needs in proto/ instead`),
  ];
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const failures: string[] = [];
  const bundles = await benchBundles(failures);
  const requests = await benchRequests(failures);
  const { scenarios } = await import('./scenarios');
  const functionBundles = bundles.built.filter((b) => b.kind === 'function');
  const baselineBundle = bundles.built.find((b) => b.name === 'baseline')!;
  const alternatives = bundles.built.filter((b) => b.name === 'baseline (our client)');
  log(`first events: ${settings.firstEventRuns} rounds × ${functionBundles.length + 1 + alternatives.length} fresh processes`);
  const firstEvents = await phase('first-events', () =>
    measureFirstEvents(functionBundles, baselineBundle, scenarios, requests.ctx, settings.firstEventRuns, alternatives),
  );
  log(`metrics and tracing: ${settings.observabilityRuns} rounds × ${functionBundles.length * 3 + 1} imports (before, tracing off, tracing on; the baseline)`);
  const observability = await phase('observability', () =>
    measureObservability(
      functionBundles,
      baselineBundle,
      join(benchTmpDir, 'observability'),
      { runs: settings.observabilityRuns, minRuns: Math.min(settings.observabilityMinRuns, settings.observabilityRuns), budgetSeconds: settings.observabilityBudgetSeconds },
      (r) => log(`  observability round ${r}/${settings.observabilityRuns}`),
    ),
  );
  log('import cost of the shared pieces');
  const pieceCosts = await phase('pieces', () => measurePieces(settings.importRuns));
  // Load: our server and the peer side by side, driven from this process (test/bench/load/, on a
  // DynamoDB Local of its own).
  const load = await phase('load', () => runLoadPhase(benchTmpDir, failures, table));
  log('the verify handler in-process');
  const inProcess = await phase('in-process', async () => inProcessReport());
  const seconds = (performance.now() - started) / 1000;

  const { built, stats } = bundles;
  const base = built.find((b) => b.name === 'baseline')!;
  const baseMs = stats.get('baseline')!.medianMs;
  const baseCpuMs = stats.get('baseline')!.cpuMedianMs;
  const esmOf = (name: string) => ({
    cjsMs: stats.get(name)!.medianMs,
    esmMs: stats.get(`${name} (esm)`)!.medianMs,
    pairs: bundles.paired[name]!.aMs.length,
    pairedRatio: bundles.paired[name]!.ratio,
    pairedCjsMedianMs: median(bundles.paired[name]!.aMs),
    pairedEsmMedianMs: median(bundles.paired[name]!.bMs),
    cjsBytes: built.find((b) => b.name === name)!.bytes,
    esmBytes: built.find((b) => b.name === `${name} (esm)`)!.bytes,
  });
  const esm = { [bundles.heavy]: esmOf(bundles.heavy), baseline: esmOf('baseline') };
  const shortPkg = (name: string) => name.replace(/^@aws-sdk\//, 'sdk/').replace(/^@aws-lambda-powertools\//, 'powertools/').replace(/^@smithy\//, 'smithy/');

  const bundleRows = built.map((b) => {
    const s = stats.get(b.name)!;
    return [
      b.name,
      b.kind === 'function' ? b.route! : b.kind === 'baseline' ? '(GetCommand only)' : b.format === 'esm' ? '(esm, .mjs)' : (b.route ?? '(cjs)'),
      kb(b.bytes),
      ratio(b.bytes, base.bytes),
      s.medianMs.toFixed(1),
      `${s.minMs.toFixed(0)}–${s.maxMs.toFixed(0)}`,
      ratio(s.medianMs, baseMs),
      s.cpuMedianMs.toFixed(1),
      ratio(s.cpuMedianMs, baseCpuMs),
      b.packages.slice(0, 3).map((i) => `${shortPkg(i.name)} ${kb(i.bytes)}`).join(', '),
    ];
  });

  const health = requests.results.find((r) => r.route === 'GET /health')?.latency;
  const requestRows = requests.results.map((r) => [
    r.name,
    r.route,
    r.error ? 'ERR' : String(r.coldCalls.length),
    r.error ? 'ERR' : String(r.warmCalls.length),
    r.maxCalls === undefined ? '–' : String(r.maxCalls),
    r.latency ? r.latency.p50.toFixed(2) : '',
    r.latency ? r.latency.p99.toFixed(2) : '',
    r.latency && health ? ratio(r.latency.p50, health.p50) : '',
    r.latency && health ? ratio(r.latency.p99, health.p99) : '',
    r.latency ? String(r.latency.n) + (r.latency.stoppedEarly ? '*' : '') : '',
    r.error ? r.error.slice(0, 80) : r.warmCalls.join(' '),
  ]);

  const out: string[] = [];
  out.push('');
  out.push(
    `Bundles (infra/bundling.ts: ${esbuildOptions.format}, minify ${esbuildOptions.minify}, target ${esbuildOptions.target}) and import time: ` +
      `median of ${bundles.runs} fresh \`node\` processes, interleaved, timed inside the child (${process.version} here; Lambda runs node24)`,
  );
  out.push(table(['function', 'route', 'KB', 'KB×base', 'import ms', 'min–max', '×baseline', 'cpu ms', 'cpu ×baseline', 'largest inputs (KB)'], bundleRows, [2, 3, 4, 5, 6, 7, 8]));
  out.push('(cpu: the CPU time of the same imports, the steadier measure on a shared machine; on an idle one, as in a Lambda init, it is the wall time)');
  out.push('');
  out.push(pieceTable(pieceCosts, settings.importRuns));
  out.push('');
  out.push(observabilityTable(observability));
  out.push('');
  out.push(firstEventTable(firstEvents, settings.firstEventRuns));
  for (const [name, e] of Object.entries(esm)) {
    out.push(
      `ESM vs CJS, ${name}: ${e.pairedRatio.toFixed(2)}× (median of ${e.pairs} paired ESM/CJS ratios; ` +
        `medians ${e.pairedEsmMedianMs.toFixed(1)} vs ${e.pairedCjsMedianMs.toFixed(1)} ms; table medians give ${(e.esmMs / e.cjsMs).toFixed(2)}×; ${process.version})`,
    );
  }
  out.push(...watchedPackageLines(built.filter((b) => b.kind === 'function'), kb));
  out.push('');
  out.push(
    `Requests through the local gateway (in process) against DynamoDB Local. Calls: DynamoDB commands for one request, cold (warm caches reset) and warm. ` +
      `Latency: sequential loop, ms, ratio to GET /health. scrypt N=2^${scryptLogN} (production default).`,
  );
  out.push(table(['scenario', 'route', 'cold', 'warm', 'max', 'p50', 'p99', 'p50×health', 'p99×health', 'n', 'warm calls'], requestRows, [2, 3, 4, 5, 6, 7, 8, 9]));
  if (requests.results.some((r) => r.latency?.stoppedEarly)) out.push(`* stopped at the ${settings.latencyMaxSeconds}-second time cap`);
  if (requests.notExercised.length) out.push(`Routes without a scenario (add one to test/bench/scenarios.ts): ${requests.notExercised.join(', ')}`);
  out.push('');
  out.push(...load.lines, '');
  out.push(...inProcess, '');
  const warnings = await designWarnings(built.filter((b) => b.kind === 'function'));
  if (warnings.length) out.push(`Warnings:\n${warnings.map((w) => `  - ${w}`).join('\n')}`);
  out.push(failures.length ? `FAIL (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}` : 'Thresholds: all passed');
  out.push(`Total ${seconds.toFixed(1)} s (${Object.entries(phases).map(([name, sec]) => `${name} ${sec} s`).join(', ')})`);
  console.log(out.join('\n'));

  const json = {
    generatedAt: new Date().toISOString(),
    commit: gitCommit(),
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model },
    settings: { ...settings, importRunsDone: bundles.runs, scryptLogN, bundleFormat: esbuildOptions.format, target: esbuildOptions.target },
    bundles: built.map((b) => {
      const s = stats.get(b.name)!;
      return {
        name: b.name,
        kind: b.kind,
        route: b.kind === 'function' ? b.route : undefined,
        format: b.format,
        bytes: b.bytes,
        importMedianMs: round(s.medianMs, 2),
        importMinMs: round(s.minMs, 2),
        importMaxMs: round(s.maxMs, 2),
        importRatioToBaseline: round(s.medianMs / baseMs, 3),
        importCpuMedianMs: round(s.cpuMedianMs, 2),
        importCpuRatioToBaseline: round(s.cpuMedianMs / baseCpuMs, 3),
        packages: b.packages,
        lazy: b.lazy,
      };
    }),
    esmVsCjs: Object.fromEntries(
      Object.entries(esm).map(([name, e]) => [
        name,
        {
          ...e,
          cjsMs: round(e.cjsMs, 2),
          esmMs: round(e.esmMs, 2),
          ratioOfMedians: round(e.esmMs / e.cjsMs, 3),
          pairedRatio: round(e.pairedRatio, 3),
          pairedCjsMedianMs: round(e.pairedCjsMedianMs, 2),
          pairedEsmMedianMs: round(e.pairedEsmMedianMs, 2),
        },
      ]),
    ),
    scenarios: requests.results.map((r) => ({
      ...r,
      coldCallCount: r.coldCalls.length,
      warmCallCount: r.warmCalls.length,
      latency: r.latency && {
        ...r.latency,
        alternate: undefined,
        p50: round(r.latency.p50, 3),
        p99: round(r.latency.p99, 3),
        mean: round(r.latency.mean, 3),
        meanCalls: round(r.latency.meanCalls, 3),
        p50RatioToHealth: health ? round(r.latency.p50 / health.p50, 3) : null,
        p99RatioToHealth: health ? round(r.latency.p99 / health.p99, 3) : null,
      },
    })),
    routesWithoutScenario: requests.notExercised,
    load: load.result,
    inProcess,
    observability: {
      runs: observability.runs,
      baseline: { wallMs: round(observability.baseline.wallMs, 2), cpuMs: round(observability.baseline.cpuMs, 2) },
      functions: observability.rows.map((r) => ({
        name: r.name,
        ...Object.fromEntries(
          VARIANTS.map((v) => [
            v,
            {
              bytes: r.bytes[v],
              importMedianMs: round(r.wallMs[v], 2),
              importCpuMedianMs: round(r.cpuMs[v], 2),
              importRatioToBaseline: round(r.wallMs[v] / observability.baseline.wallMs, 3),
              importCpuRatioToBaseline: round(r.cpuMs[v] / observability.baseline.cpuMs, 3),
            },
          ]),
        ),
        metricsCpuOfBaseline: round((r.cpuMs['tracing off'] - r.cpuMs.before) / observability.baseline.cpuMs, 3),
        tracingOnCpuOfBaseline: round((r.cpuMs['tracing on'] - r.cpuMs['tracing off']) / observability.baseline.cpuMs, 3),
      })),
    },
    importPieces: pieceCosts.map((c) => ({ ...c, medianMs: round(c.medianMs, 2), costMs: round(c.costMs, 2), ofBaseline: round(c.ofBaseline, 3) })),
    firstEvents: {
      node: relative(repoRoot, firstEvents.node),
      runs: settings.firstEventRuns,
      functions: [firstEvents.baseline, ...firstEvents.alternatives, ...firstEvents.results].map((r) => ({
        name: r.name,
        request: r.request,
        status: r.status,
        error: r.error,
        medianAnsweredMs: round(r.medianAnsweredMs, 1),
        medianCpuMs: round(r.medianCpuMs, 1),
        answeredRatioToBaseline: round(r.medianAnsweredMs / firstEvents.baseline.medianAnsweredMs, 3),
        cpuRatioToBaseline: round(r.medianCpuMs / firstEvents.baseline.medianCpuMs, 3),
      })),
    },
    warnings,
    failures,
    totalSeconds: round(seconds, 1),
    phaseSeconds: phases,
  };
  const text = JSON.stringify(json, null, 2);
  writeFileSync(resultsFile, text + '\n');
  console.log(`\nJSON (also in ${relative(repoRoot, resultsFile)}):`);
  console.log(text);
  if (process.env.BENCH_KEEP === '1') log(`bundles kept in ${join(benchTmpDir, 'bundles')}`);
  return failures.length ? 1 : 0;
}

main()
  .catch((error) => {
    console.error('bench failed:', error);
    return 1;
  })
  .then(async (code) => {
    await cleanup().catch((error) => console.error('cleanup failed:', error));
    process.exit(code);
  });
