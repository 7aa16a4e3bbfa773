/**
 * `npm run bench:observability`: what metrics and tracing cost at import (a cold start), before and
 * after, with the deployed esbuild options. Kept apart from `npm run bench` (its import table
 * measures the functions as they are); this compares variants of the same bundles:
 *
 * - the Powertools logger alone (already in every function), then with Metrics, then with Tracer
 *   (which loads aws-xray-sdk-core to capture SDK calls as subsegments);
 * - `auth/login` and `twofa/authenticate` with shared/metrics.ts stubbed out (before) and as deployed (after).
 *
 * Tracer is not a dependency (that is the point): point OBS_TRACER_DIR at a folder where
 * `npm install --prefix <dir> @aws-lambda-powertools/tracer` ran to include its row.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';
import { importTime, repoRoot } from './bundles';
import { median } from './stats';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const tracerDir = process.env.OBS_TRACER_DIR;

/** Replaces shared/metrics.ts with no-ops: the bundle as it was before the metrics. */
const withoutMetrics: Plugin = {
  name: 'without-metrics',
  setup(b) {
    b.onResolve({ filter: /\/metrics$/ }, (args) =>
      args.importer.includes('/shared/') || args.importer.includes('/functions/') ? { path: 'stub', namespace: 'no-metrics' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'no-metrics' }, () => ({
      contents: ['login', 'secondFactorFailure', 'lockout', 'smsSent', 'smsRefused', 'emailSent', 'emailRefused', 'impersonationStarted', 'refreshTokenReuse', 'flush']
        .map((name) => `export const ${name} = () => {};`)
        .join('\n'),
      loader: 'js',
    }));
  },
};

async function bundle(name: string, entry: string, dir: string, plugins: Plugin[] = [], nodePaths: string[] = []): Promise<{ name: string; file: string; bytes: number }> {
  const outfile = join(dir, `${name.replace(/[^\w-]+/g, '_')}.js`);
  await build({ ...esbuildOptions, entryPoints: [entry], outfile, absWorkingDir: repoRoot, logLevel: 'error', plugins, nodePaths });
  return { name, file: outfile, bytes: statSync(outfile).size };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'twofactor-obs-'));
  try {
    const probe = (name: string, source: string) => {
      const file = join(dir, `${name}.ts`);
      writeFileSync(file, source);
      return file;
    };
    const logger = probe('logger', "import { Logger } from '@aws-lambda-powertools/logger';\nexport const l = new Logger();\n");
    const metrics = probe(
      'metrics',
      "import { Logger } from '@aws-lambda-powertools/logger';\nimport { Metrics } from '@aws-lambda-powertools/metrics';\nexport const l = [new Logger(), new Metrics({ namespace: 'x' })];\n",
    );
    const targets = [
      await bundle('logger only', logger, dir, [], [join(repoRoot, 'node_modules')]),
      await bundle('logger + metrics', metrics, dir, [], [join(repoRoot, 'node_modules')]),
    ];
    if (tracerDir && existsSync(join(tracerDir, 'node_modules', '@aws-lambda-powertools', 'tracer'))) {
      const tracer = probe(
        'tracer',
        "import { Logger } from '@aws-lambda-powertools/logger';\nimport { Metrics } from '@aws-lambda-powertools/metrics';\nimport { Tracer } from '@aws-lambda-powertools/tracer';\nexport const l = [new Logger(), new Metrics({ namespace: 'x' }), new Tracer()];\n",
      );
      targets.push(await bundle('logger + metrics + tracer', tracer, dir, [], [join(repoRoot, 'node_modules'), join(tracerDir, 'node_modules')]));
    }
    for (const handler of ['auth/login', 'twofa/authenticate']) {
      const entry = join(repoRoot, 'functions', `${handler}.ts`);
      targets.push(await bundle(`${handler} before (no metrics)`, entry, dir, [withoutMetrics]));
      targets.push(await bundle(`${handler} after (metrics)`, entry, dir));
    }
    const samples = new Map(targets.map((t) => [t.name, [] as number[]]));
    for (const t of targets) await importTime(t.file); // warm the file cache
    for (let round = 0; round < RUNS; round++) {
      for (const t of round % 2 ? [...targets].reverse() : targets) samples.get(t.name)!.push(await importTime(t.file));
    }
    console.log(`Import cost, median of ${RUNS} fresh node processes (node ${process.version}), CommonJS as deployed:\n`);
    console.log('| bundle | KiB | import ms (median) |');
    console.log('|---|---:|---:|');
    for (const t of targets) console.log(`| ${t.name} | ${(t.bytes / 1024).toFixed(1)} | ${median(samples.get(t.name)!).toFixed(1)} |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
