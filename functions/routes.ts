/**
 * The route table by key (`POST /api/auth/login`), for what serves or deploys every route: the CDK
 * stack, the local server, /openapi.json, the tests. A handler imports its own entry from
 * functions/route-entries.ts instead, so its function's bundle holds no other route.
 */
import { splitRouteKey, type Route } from './route';
import * as entries from './route-entries';

export * from './route';

type Entry = (typeof entries)[keyof typeof entries];
export type RouteKey = Entry['key'];

/** Path, then method: the order of /openapi.json's paths and of everything built from the table. */
const byPath = (a: Route, b: Route) => {
  const [x, y] = [splitRouteKey(a.key), splitRouteKey(b.key)];
  return x.path < y.path ? -1 : x.path > y.path ? 1 : x.method < y.method ? -1 : x.method > y.method ? 1 : 0;
};

export const routes = Object.fromEntries((Object.values(entries) as Route[]).sort(byPath).map((entry) => [entry.key, entry])) as {
  [K in RouteKey]: Extract<Entry, { key: K }>;
};

export const routeEntries = (): Array<[RouteKey, Route]> => Object.entries(routes) as Array<[RouteKey, Route]>;
