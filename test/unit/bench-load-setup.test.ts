/**
 * The load benchmark's setup: which TOTP step each verify request uses (test/bench/load/ours.ts), and
 * the budget scale that lets sixteen queued logins finish (environment.ts).
 */
import { generate, generateSecret } from 'otplib';
import { BUDGETS } from '../../functions/routes';
import { timeoutScale } from '../bench/load/environment';
import { VerifyPlan } from '../bench/load/ours';
import type { Prepared } from '../bench/load/prepare';

const STEP = 59_000_000;
const at = (step: number, second = 1) => jest.spyOn(Date, 'now').mockReturnValue(step * 30_000 + second * 1000);

afterEach(() => jest.restoreAllMocks());

function prepared(users: number): Prepared {
  const verify = Array.from({ length: users }, (_, i) => ({ userId: i + 1, secret: generateSecret(), enrolledStep: STEP - 1, tokens: ['t1', 't2', 't3'].map((t) => `${t}-${i}`) }));
  return { verify, password: [] };
}

const stepOf = async (plan: Prepared, request: { headers?: Record<string, string>; body?: unknown }) => {
  const user = plan.verify.find((u) => request.headers!.authorization!.endsWith(`-${u.userId - 1}`))!;
  const code = (request.body as { code: string }).code;
  for (let s = STEP - 2; s <= STEP + 3; s++) if ((await generate({ secret: user.secret, epoch: s * 30 })) === code) return { user: user.userId, step: s };
  throw new Error('no step matches the code');
};

it('uses the current step and the next, never the previous one, each user once per pass', async () => {
  const prep = prepared(3);
  const plan = new VerifyPlan(prep);
  at(STEP, 29); // the last second of the step: the previous one would be two steps old a moment later
  await plan.refill();
  expect(plan.remaining()).toBe(6);
  const used = [];
  for (let i = 0; i < 6; i++) used.push(await stepOf(prep, plan.next()!));
  expect(used).toEqual([1, 2, 3, 1, 2, 3].map((user, i) => ({ user, step: i < 3 ? STEP : STEP + 1 })));
  expect(plan.next()).toBeUndefined();
  expect(plan.remaining()).toBe(0);
});

it('moves on with the clock, from the codes made before the window', async () => {
  const prep = prepared(2);
  const plan = new VerifyPlan(prep);
  at(STEP);
  await plan.refill();
  for (let i = 0; i < 4; i++) plan.next();
  at(STEP + 1); // one boundary inside the window: the step after next is ready
  const more = [await stepOf(prep, plan.next()!), await stepOf(prep, plan.next()!)];
  expect(more).toEqual([
    { user: 1, step: STEP + 2 },
    { user: 2, step: STEP + 2 },
  ]);
  expect(plan.next()).toBeUndefined(); // three tokens each, all spent
});

it('scales the budgets so the password budget outlasts sixteen hashes on one core four times over, never below the given scale', async () => {
  expect(await timeoutScale(100, 16, 10)).toBe(10);
  const scale = await timeoutScale(3000, 16, 10);
  expect(BUDGETS.password * scale).toBeGreaterThanOrEqual(4 * 16 * 3000);
  expect(BUDGETS.password * (scale - 1)).toBeLessThan(4 * 16 * 3000);
});
