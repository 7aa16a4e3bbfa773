/** Bundles the self-service page's script with esbuild into web/dist (when web/src exists). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const webDir = join(__dirname, '..', '..', 'web');

export async function buildWeb(): Promise<void> {
  const entry = join(webDir, 'src', 'app.ts');
  if (!existsSync(entry)) return;
  await build({
    entryPoints: [entry],
    outfile: join(webDir, 'dist', 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'warning',
  });
}
