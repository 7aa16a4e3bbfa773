/** The Ziik dialect's view of the policy: its own method names. */
import type { Method, Policy } from '../../shared/policy/policy';
import { ziikMethodNames } from '../schemas';

const ziikName = Object.fromEntries(Object.entries(ziikMethodNames).map(([ziik, method]) => [method, ziik])) as Record<Method, string>;

export const ziikMethods = (methods: readonly Method[]) => methods.map((m) => ziikName[m] ?? m);

export const ziikPolicy = (p: Policy) => ({
  methods: ziikMethods(p.methods),
  force: p.forced,
  /** 2FA required by role: `{required, deadline | graceDays, setAt}` per role that has a rule. */
  roleRules: p.roleRules ?? {},
  sequence: p.sequence,
  gracePeriodSeconds: p.gracePeriodSeconds,
  checkLifetimeSeconds: p.checkLifetimeSeconds,
  smsCountryCodes: p.smsCountryCodes ?? null,
  notifications: p.notifications,
  passwordless: p.passwordless,
  rememberDeviceDays: p.rememberDeviceDays,
  createdAt: p.sequence === 0 ? null : p.createdAt,
  changedAt: p.sequence === 0 ? null : p.changedAt,
});
