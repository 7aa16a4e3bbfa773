/**
 * The lazily loaded packages of one function (infra/bundling.ts's LAZY_PACKAGES), each bundled on its
 * own into `node_modules/<package>/index.js` beside the handler's file: Node's resolution finds it
 * there on the first `import()`, and a cold start that never takes that branch never reads it.
 * Only the packages the handler's bundle requires are shipped. The CDK stack calls this on each
 * function's bundle (infra/constructs/function-bundling.ts); the benchmark calls it on its own
 * bundles, so what it measures is what deploys. A chunk is built once per
 * lockfile and options, then copied: forty functions share a handful of chunks.
 */
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { esbuildOptions, LAZY_PACKAGES } from './bundling';

const PROJECT_ROOT = join(__dirname, '..');

/** The lazy packages a built handler requires (esbuild writes `require("<package>")` for them). */
export function lazyPackagesOf(handlerFile: string, packages: readonly string[] = LAZY_PACKAGES): string[] {
  const code = readFileSync(handlerFile, 'utf8');
  return packages.filter((name) => code.includes(`require("${name}")`));
}

let cacheDir: string | undefined;

/** Where built chunks are kept: one folder per lockfile and options (hashed once per process). */
function chunkCacheDir(): string {
  if (cacheDir) return cacheDir;
  const hash = createHash('sha256')
    .update(readFileSync(join(PROJECT_ROOT, 'package-lock.json')))
    .update(JSON.stringify(esbuildOptions))
    .digest('hex')
    .slice(0, 16);
  cacheDir = join(PROJECT_ROOT, 'node_modules', '.cache', 'lazy-chunks', hash);
  return cacheDir;
}

function chunk(name: string): string {
  const file = join(chunkCacheDir(), name, 'index.js');
  if (!existsSync(file)) {
    buildSync({
      ...esbuildOptions,
      // Everything the package needs goes into its chunk.
      external: [],
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: PROJECT_ROOT, loader: 'js' },
      outfile: file,
      logLevel: 'error',
    });
  }
  return file;
}

/** Puts the chunks `handlerFile` needs into `node_modules/` of its directory; answers their files. */
export function addLazyChunks(handlerFile: string, packages: readonly string[] = LAZY_PACKAGES): string[] {
  const dir = join(handlerFile, '..');
  return lazyPackagesOf(handlerFile, packages).map((name) => {
    const target = join(dir, 'node_modules', name, 'index.js');
    cpSync(chunk(name), target);
    return target;
  });
}
