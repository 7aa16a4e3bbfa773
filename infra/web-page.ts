/**
 * The self-service page as it is served: web/public as is, and web/src bundled by esbuild. The
 * local gateway serves web/public and web/dist (infra/local/web-build.ts); a deployment uploads a
 * staged copy of both to the front door's bucket (infra/constructs/front-door.ts).
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';

export const WEB_DIR = join(__dirname, '..', 'web');
export const WEB_PUBLIC_DIR = join(WEB_DIR, 'public');
const entry = join(WEB_DIR, 'src', 'app.ts');

/** esbuild options of the page's script, written into `outdir` as app.js. */
export function webBuildOptions(outdir: string): BuildOptions | undefined {
  if (!existsSync(entry)) return undefined;
  return {
    entryPoints: [entry],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  };
}

/** A folder holding the whole page (public files and the built script), for a deployment asset. */
export function stagePage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twofactor-page-'));
  cpSync(WEB_PUBLIC_DIR, dir, { recursive: true });
  const options = webBuildOptions(dir);
  if (options) buildSync(options);
  return dir;
}
