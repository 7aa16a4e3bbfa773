/** Bundles the self-service page's script with esbuild into web/dist (when web/src exists). */
import { join } from 'node:path';
import { build } from 'esbuild';
import { WEB_DIR, webBuildOptions } from '../web-page';

export async function buildWeb(): Promise<void> {
  const options = webBuildOptions(join(WEB_DIR, 'dist'));
  if (options) await build(options);
}
