/**
 * How every function is bundled, shared by the CDK stack and the benchmark so that what is measured
 * is what is deployed. CommonJS with `module` main fields imports fastest on Lambda's Node (ESM
 * pulls in undici through node:http lazily, aws-sdk-js-v3#6914). No function holds the AWS SDK: its
 * calls go through shared/store/aws-client.ts. `npm run bench` measures both formats.
 */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * Packages only reached through `import()` on a branch most cold starts never take. esbuild would
 * inline them into the one CommonJS file, and every cold start would parse them for nothing;
 * instead they are external to the handler's bundle and shipped beside it, each bundled on its own
 * (infra/lazy-chunks.ts):
 * - @simplewebauthn/server (with its ASN.1 and X.509 parsers): WebAuthn ceremonies only;
 * - libphonenumber-js with its mobile metadata: enrolling a phone number only (PATCH /api/two-factor's SMS branch);
 * - qrcode (with pngjs): drawing the QR of a pending enrolment only (the two QR routes' success path);
 * - the common-password list (@zxcvbn-ts/language-common, decompressed at import): setting a password only;
 * - hash-wasm (argon2id and bcrypt): a login whose password hash was imported in those formats only.
 */
export const LAZY_PACKAGES = [
  '@simplewebauthn/server',
  'libphonenumber-js/mobile',
  'qrcode',
  '@zxcvbn-ts/language-common',
  'hash-wasm',
] as const;

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
  external: [...LAZY_PACKAGES],
  // `import()` of those becomes `require()`: CommonJS loading, without the ESM loader on first use.
  supported: { 'dynamic-import': false },
  // Web streams are loaded on first use, not by @middy/core's import at every cold start.
  alias: { 'node:stream/web': join(__dirname, 'lazy-stream-web.cjs') },
} satisfies BuildOptions;
