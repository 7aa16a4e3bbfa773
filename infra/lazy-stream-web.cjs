/**
 * `node:stream/web` for the functions' bundles, loaded on first use rather than at every cold start
 * (infra/bundling.ts aliases it here). Its one importer, @middy/core v6, needs it only to stream a
 * response, which no route does; loading it eagerly cost about 0.07x of the baseline's import
 * (`npx tsx test/bench/import-pieces.ts`, the @middy/core row). Each name reads the real module
 * when first touched, so any code that does use it gets the real thing.
 * test/unit/lazy-stream-web.test.ts checks the names against the runtime's module.
 */
const NAMES = [
  'ReadableStream',
  'ReadableStreamTee',
  'ReadableStreamDefaultReader',
  'ReadableStreamBYOBReader',
  'ReadableStreamBYOBRequest',
  'ReadableByteStreamController',
  'ReadableStreamDefaultController',
  'TransformStream',
  'TransformStreamDefaultController',
  'WritableStream',
  'WritableStreamDefaultWriter',
  'WritableStreamDefaultController',
  'ByteLengthQueuingStrategy',
  'CountQueuingStrategy',
  'TextEncoderStream',
  'TextDecoderStream',
  'CompressionStream',
  'DecompressionStream',
];

// process.getBuiltinModule, not require: the bundle's alias would send require('node:stream/web') back here.
const real = () => process.getBuiltinModule('node:stream/web');

module.exports = Object.defineProperties(
  {},
  Object.fromEntries(NAMES.map((name) => [name, { enumerable: true, get: () => real()[name] }])),
);
