/**
 * infra/lazy-stream-web.cjs stands in for node:stream/web in the functions' bundles
 * (infra/bundling.ts): the same names, each the runtime's own object, read on first use.
 */
// Both as CommonJS sees them: an ES namespace import would add a `default`.
const real = require('node:stream/web') as Record<string, unknown>;
const lazy = require('../../infra/lazy-stream-web.cjs') as Record<string, unknown>;

it("names exactly the exports of the runtime's node:stream/web", () => {
  expect(Object.keys(lazy).sort()).toEqual(Object.keys(real).sort());
});

it('hands out the real objects', () => {
  for (const [name, value] of Object.entries(real)) expect(lazy[name]).toBe(value);
});
