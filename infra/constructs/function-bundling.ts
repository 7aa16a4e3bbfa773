/**
 * How CDK bundles every function (NodejsFunction): the esbuild options the benchmark measures
 * (infra/bundling.ts), then the lazily loaded packages built beside the handler (infra/lazy-chunks.ts),
 * so that what is measured is what deploys. Locally with the esbuild in node_modules; never Docker.
 */
import * as path from 'node:path';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { esbuildOptions } from '../bundling';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export const functionBundling: BundlingOptions = {
  minify: esbuildOptions.minify,
  format: esbuildOptions.format === 'cjs' ? OutputFormat.CJS : OutputFormat.ESM,
  mainFields: [...esbuildOptions.mainFields],
  target: esbuildOptions.target,
  // No source maps: they add latency at run time, and so no NODE_OPTIONS either.
  sourceMap: false,
  // The AWS SDK v3 is bundled rather than loaded from the runtime's copy: it imports faster.
  externalModules: [...esbuildOptions.external],
  esbuildArgs: {
    '--legal-comments': esbuildOptions.legalComments,
    '--supported:dynamic-import': String(esbuildOptions.supported['dynamic-import']),
  },
  forceDockerBundling: false,
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [
      `cd ${JSON.stringify(PROJECT_ROOT)} && ${JSON.stringify(process.execPath)} --import tsx infra/lazy-chunks.ts ${JSON.stringify(outputDir)}`,
    ],
  },
};
