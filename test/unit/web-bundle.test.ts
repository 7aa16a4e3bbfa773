/**
 * The self-service page takes its API types from functions/schemas.ts and functions/routes.ts, by
 * `import type` only: a value import would bundle zod and server code into the browser. The page's
 * bundle must hold its own modules and the WebAuthn browser library, nothing else, but the one
 * User-Agent table it shares with the server's notices (a leaf module with no imports).
 */
import { join } from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';

afterAll(() => stopEsbuild());

it('the page bundles only web/src and @simplewebauthn/browser: no zod, no server code', async () => {
  const root = join(__dirname, '..', '..');
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: ['web/src/app.ts'],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const foreign = Object.keys(metafile.inputs).filter((input) => !/^(web\/src\/|node_modules\/@simplewebauthn\/browser\/|shared\/model\/user-agent\.ts$)/.test(input));
  expect(foreign).toEqual([]);
});
