/**
 * What each piece of the layer every function shares costs at import. Each piece is bundled beside
 * the GetCommand-only baseline with the functions' esbuild options (only what our code takes from
 * it, as our code imports it) and imported in fresh `node` processes, interleaved with the baseline
 * alone; its cost is what it adds to the baseline's median CPU time of the import (CPU time, not
 * wall time: on a shared machine the wall time measures the neighbours). Over the baseline's
 * median, that is what the piece adds to a function's import ratio. The pieces overlap (the
 * endpoint wrapper holds all the others), so their costs do not add up.
 * `npx tsx test/bench/import-pieces.ts` prints the table alone (BENCH_IMPORT_RUNS rounds, 15).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { addBenchLazyChunks, benchBuildOptions, importSample, repoRoot, shuffled } from './bundles';
import { median } from './stats';

export interface Piece {
  label: string;
  /** The entry's source: what a handler takes from the piece, kept alive by an export. */
  contents: string;
}

const BASELINE = "export * from './test/bench/baseline';";

/**
 * Powertools Tracer, the alternative to our tracing module, is not a dependency: with
 * BENCH_TRACER_DIR set to a folder where `npm install --prefix <dir> @aws-lambda-powertools/tracer`
 * ran, it is one more piece.
 */
const tracerDir = process.env.BENCH_TRACER_DIR;
const tracerNodePaths = tracerDir ? [join(tracerDir, 'node_modules')] : [];

/** Each piece beside the baseline: its cost is what it adds to the baseline's import. */
export const pieces: Piece[] = [
  { label: 'baseline: DocumentClient + GetCommand', contents: BASELINE },
  { label: '+ shared/store/client.ts (our DynamoDB client, config)', contents: "export { db } from './shared/store/client';" },
  { label: '+ zod/mini (one object schema)', contents: "import * as z from 'zod/mini'; export const s = z.object({ a: z.string() });" },
  { label: '+ config (shared/config.ts)', contents: "export { config } from './shared/config';" },
  {
    label: "+ the login route's entry, its schema built (functions/route-entries.ts, as its function takes it)",
    contents: "import { authLogin } from './functions/route-entries'; export const built = authLogin.body.safeParse({});",
  },
  {
    label: '+ the whole route table (functions/routes.ts: the stack, the local server, /openapi.json)',
    contents: "export { routes } from './functions/routes';",
  },
  { label: '+ shared/tokens/jws.ts (ES256 JWTs on node:crypto)', contents: "export { signJwt, verifyJwt } from './shared/tokens/jws';" },
  { label: '+ Powertools Logger (shared/log.ts)', contents: "export { logger } from './shared/log';" },
  {
    label: '+ Powertools Logger and injectLambdaContext',
    contents: "export { logger } from './shared/log'; export { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
  },
  { label: '+ @middy/core', contents: "export { default as middy } from '@middy/core';" },
  {
    label: '+ shared/metrics.ts (the Logger; Powertools Metrics bundled but loaded on the first flush)',
    contents: "export * as metrics from './shared/metrics';",
  },
  {
    label: '+ AWS call tracing, as loaded when on (shared/store/aws-call-tracing.ts)',
    contents: "export { tracingInterceptor } from './shared/store/aws-call-tracing';",
  },
  ...(tracerDir
    ? [
        {
          label: '+ Powertools Tracer and captureAWSv3Client (aws-xray-sdk-core; not a dependency)',
          contents:
            "import { Tracer } from '@aws-lambda-powertools/tracer'; import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; " +
            'const tracer = new Tracer(); export const client = tracer.captureAWSv3Client(new DynamoDBClient({}));',
        },
      ]
    : []),
  {
    label: "+ the RPC routes' wire (functions/rpc.ts: @bufbuild/protobuf's JSON and binary codecs, @connectrpc/connect's framing)",
    contents: "export { rpc } from './functions/rpc';",
  },
  {
    label: "+ descriptor.proto's own descriptors (@bufbuild/protobuf/wkt: what a generated file's fileDesc decodes with, booted at import)",
    contents: "export { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';",
  },
  { label: '+ endpoint wrapper (functions/endpoint.ts: all of the above and more)', contents: "export { endpoint } from './functions/endpoint';" },
  { label: 'GET /health (the endpoint wrapper and one read)', contents: "export { handler } from './functions/platform/health';" },
].map((p, i) => (i === 0 || p.label.startsWith('GET') ? p : { ...p, contents: `${BASELINE} ${p.contents}` }));

export interface PieceCost {
  label: string;
  bytes: number;
  medianMs: number;
  /** What it adds to the baseline's median (the baseline's row: its own median). */
  costMs: number;
  /** costMs over the baseline's median: what the piece adds to a function's import ratio. */
  ofBaseline: number;
}

/** Builds every piece and times `runs` interleaved rounds of imports (one untimed round first). */
export async function measurePieces(runs: number): Promise<PieceCost[]> {
  const dir = mkdtempSync(join(tmpdir(), 'twofactor-pieces-'));
  try {
    const files = pieces.map((piece, i) => {
      const file = join(dir, `piece-${i}.js`);
      buildSync({
        ...benchBuildOptions,
        stdin: { contents: piece.contents, resolveDir: repoRoot, loader: 'ts', sourcefile: `piece-${i}.ts` },
        outfile: file,
        absWorkingDir: repoRoot,
        logLevel: 'error',
        nodePaths: tracerNodePaths,
      });
      addBenchLazyChunks(file);
      return file;
    });
    const samples = files.map(() => [] as number[]);
    for (const file of files) await importSample(file);
    for (let r = 0; r < runs; r++) {
      for (const i of shuffled(files.map((_, i) => i), r + 101)) samples[i]!.push((await importSample(files[i]!)).cpuMs);
    }
    const medians = samples.map(median);
    const baselineMs = medians[0]!;
    return pieces.map((piece, i) => ({
      label: piece.label,
      bytes: statSync(files[i]!).size,
      medianMs: medians[i]!,
      costMs: i ? medians[i]! - baselineMs : baselineMs,
      ofBaseline: i ? (medians[i]! - baselineMs) / baselineMs : 1,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pieceTable(costs: PieceCost[], runs: number): string {
  const rows = costs.map((c) => [c.label, (c.bytes / 1024).toFixed(1), c.medianMs.toFixed(1), c.costMs.toFixed(1), `${c.ofBaseline.toFixed(2)}×`]);
  const header = ['piece (bundled beside the baseline)', 'KB', 'import cpu ms', 'cost ms', 'cost ×baseline'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [
    `What each shared piece adds to the baseline's import: median CPU ms of ${runs} fresh \`node\` processes each, interleaved (${process.version}); ×baseline: over the baseline's median`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

if (require.main === module) {
  const runs = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
  void measurePieces(runs).then((costs) => console.log(pieceTable(costs, runs)));
}
