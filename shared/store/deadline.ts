/**
 * The request's time budget. The endpoint wrapper runs each request under a deadline; every AWS
 * call it makes (./aws-client.ts) shortens its own request timeout to what is left and starts no
 * attempt once too little is left, so a request answers 503 within its budget instead of running
 * into the Lambda timeout (and API Gateway's bare 503/504).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/** Runs `fn` with every AWS call it makes bounded by `budgetMs` from now. */
export function withDeadline<T>(budgetMs: number, fn: () => Promise<T>): Promise<T> {
  return deadlines.run(Date.now() + budgetMs, fn);
}

/** Milliseconds left of the current request's budget; undefined outside a request (scripts, seeding). */
export function remainingMs(): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : deadline - Date.now();
}
