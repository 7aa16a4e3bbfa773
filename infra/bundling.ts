/**
 * How every function is bundled, shared by the CDK stack and the benchmark so that what is measured
 * is what is deployed. CommonJS with `module` main fields imports fastest on Lambda's Node (ESM
 * pulls in undici through node:http lazily, aws-sdk-js-v3#6914); the SDK is bundled, not loaded
 * from the runtime, which is also faster. `npm run bench` measures both formats.
 */
import type { BuildOptions } from 'esbuild';

/** Lambda's nodejs24.x (Node 22 ends its life on 2027-04-30; Lambda deprecates nodejs22.x with it). */
export const LAMBDA_NODE_TARGET = 'node24';

export const esbuildOptions = {
  bundle: true,
  platform: 'node',
  target: LAMBDA_NODE_TARGET,
  format: 'cjs',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  // Only what a handler imports is bundled; the SDK v3 is tree-shaken from its ES modules.
  external: [],
} satisfies BuildOptions;
