/**
 * infra/lazy-stream-web.cjs stands in for node:stream/web in the functions' bundles
 * (infra/bundling.ts): the same names, each the runtime's own object, read on first use.
 */
import * as real from 'node:stream/web';

const lazy = require('../../infra/lazy-stream-web.cjs') as Record<string, unknown>;

it("names exactly the exports of the runtime's node:stream/web", () => {
  expect(Object.keys(lazy).sort()).toEqual(Object.keys(real).sort());
});

it('hands out the real objects', () => {
  for (const [name, value] of Object.entries(real)) expect(lazy[name]).toBe(value);
});
