/** Rate limits under contention: parallel events on one counter all count, and none is a 5xx. */
import { randomUUID } from 'node:crypto';
import { consume } from '../../shared/ratelimit/limits';

describe('consume', () => {
  it('counts 30 parallel events on one shared counter exactly, refusing only past the limit', async () => {
    const shared = { scope: 'test-shared', subject: randomUUID(), max: 25, windowSeconds: 3600 };
    const at = new Date();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => consume([shared, { scope: 'test-own', subject: `${shared.subject}-${i}`, max: 5, windowSeconds: 3600 }], at)),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(25);
    expect(refused.map((e) => e.status)).toEqual([429, 429, 429, 429, 429]);
  });

  it('a minimum interval lets one of 10 parallel events through, and the next only a full interval after it', async () => {
    const interval = { scope: 'test-interval', subject: randomUUID(), intervalSeconds: 30 };
    const at = new Date(Math.floor(Date.now() / 30_000) * 30_000 + 29_900); // 100 ms before a 30 s boundary
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => consume([interval], at)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.flatMap((r) => (r.status === 'rejected' ? [r.reason.status] : []))).toEqual(Array(9).fill(429));
    await expect(consume([interval], new Date(at.getTime() + 29_999))).rejects.toMatchObject({ status: 429, headers: { 'Retry-After': '1' } });
    await expect(consume([interval], new Date(at.getTime() + 30_000))).resolves.toBeUndefined();
  });
});
