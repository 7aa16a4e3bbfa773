/**
 * Every function's code: the esbuild bundle of `functions/<handler>.ts` with the options the
 * benchmark measures (infra/bundling.ts), and beside it the lazily loaded packages it needs
 * (infra/lazy-chunks.ts), so that what is measured is what deploys. Bundled in the CDK app's own
 * process with the esbuild in node_modules, never Docker.
 *
 * The handlers a stack announces (`bundleTogether`) are built in one esbuild run when the first of
 * them is bundled: esbuild then parses the code they share (the AWS SDK, the domain) once. One
 * esbuild process per function, started through `npx` (NodejsFunction's way), cost about four times
 * the CPU and made `cdk synth` take minutes on 2 cores. The output per handler is the same file.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssetHashType, DockerImage, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { esbuildOptions } from '../bundling';
import { addLazyChunks } from '../lazy-chunks';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

const announced = new Set<string>();
const built = new Set<string>();
let outdir: string | undefined;

/** The handlers (`auth/login`) this synth will bundle: built together on first use. */
export function bundleTogether(handlers: Iterable<string>): void {
  for (const handler of handlers) announced.add(handler);
}

/** The bundle of `functions/<handler>.ts`, with every announced handler not built yet. */
function bundleOf(handler: string): string {
  if (!outdir) {
    const dir = mkdtempSync(path.join(tmpdir(), 'twofactor-bundles-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    outdir = dir;
  }
  if (!built.has(handler)) {
    const batch = [...new Set([handler, ...announced])].filter((name) => !built.has(name));
    buildSync({
      ...esbuildOptions,
      absWorkingDir: PROJECT_ROOT,
      entryPoints: batch.map((name) => ({ in: path.join('functions', `${name}.ts`), out: name })),
      outdir,
      logLevel: 'error',
    });
    for (const name of batch) built.add(name);
  }
  return path.join(outdir, `${handler}.js`);
}

/**
 * CDK's bundling options for one handler. `handler` is a property so that it is part of the asset
 * cache key CDK derives from these options (otherwise two functions would share one asset).
 */
class HandlerBundling implements BundlingOptions {
  // Required by the interface, never pulled: the local bundling below always succeeds.
  readonly image = DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x');
  readonly local: ILocalBundling;

  constructor(readonly handler: string) {
    this.local = {
      tryBundle: (outputDir) => {
        const file = path.join(outputDir, 'index.js');
        cpSync(bundleOf(handler), file);
        addLazyChunks(file);
        return true;
      },
    };
  }
}

/** The deployable code of `functions/<handler>.ts` (handler `index.handler`). */
export function functionCode(handler: string): lambda.Code {
  return lambda.Code.fromAsset(path.join(PROJECT_ROOT, 'functions'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: new HandlerBundling(handler),
  });
}
