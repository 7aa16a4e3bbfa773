/**
 * A child process of the load benchmark: everything a timed request needs, made before the timed
 * window and written as JSON to LOAD_PREP_OUT. It speaks to DynamoDB Local through the domain
 * functions (the same table, data key file and token issuer as the server child).
 *
 *   LOAD_ROLE=verify   LOAD_USERS enrolled TOTP users, each with LOAD_TOKENS_PER_USER pending login
 *                      tokens (signed here as the password step signs them) and its TOTP secret; the
 *                      codes are made per time step by the driver before each window. Run with a
 *                      cheap SCRYPT_LOG_N: these users never send a password.
 *   LOAD_ROLE=password LOAD_USERS enrolled users with their passwords, hashed at the production cost
 *                      (SCRYPT_LOG_N unset: 2^17), for the password step.
 */
import { writeFileSync } from 'node:fs';
import { generate } from 'otplib';
import { cliActor } from '../../../shared/audit/events';
import { config } from '../../../shared/config';
import { verifyCode } from '../../../shared/factors/enrolment';
import { enrolTotp } from '../../../shared/factors/totp/enrolment';
import { bootstrapUser, type BootstrappedUser } from '../../../shared/identity/bootstrap';
import { signToken } from '../../../shared/tokens/jwt';
import type { Principal } from '../../../shared/tokens/principal';
import { pool } from './pool';

export interface PreparedVerifyUser {
  userId: number;
  secret: string;
  /** The time step its enrolment used up: its logins start at the next one. */
  enrolledStep: number;
  /** Unused pending login tokens, one per login. */
  tokens: string[];
}

export interface PreparedPasswordUser {
  email: string;
  password: string;
}

export interface Prepared {
  verify: PreparedVerifyUser[];
  password: PreparedPasswordUser[];
}

const actor = cliActor('load-bench');
const step = () => Math.floor(Date.now() / 30_000);

async function enrolled(orgName: string, index: number): Promise<{ user: BootstrappedUser; secret: string; enrolledStep: number }> {
  const user = await bootstrapUser(orgName, `load-${process.env.LOAD_ROLE}-${process.pid}-${index}@example.test`, 'member', actor);
  const t = Math.floor(Date.now() / 1000);
  const principal: Principal = { userId: user.userId, orgId: user.orgId, role: user.role, aal: 1, amr: ['pwd'], authTime: t, pending: false, expiresAt: t + 900 };
  const { secret } = await enrolTotp(principal, actor);
  // The previous step's code (inside the drift window), leaving this step and the next for logins.
  // A step boundary between making the code and checking it (a loaded machine) refuses it: again.
  for (let attempt = 1; ; attempt++) {
    const enrolledStep = step() - 1;
    try {
      await verifyCode(principal, await generate({ secret, epoch: enrolledStep * 30 }), actor);
      return { user, secret, enrolledStep };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function pendingToken(user: BootstrappedUser): Promise<string> {
  const claims = { sub: String(user.userId), org: user.orgId, role: user.role, aal: 1 as const, amr: ['pwd' as const], auth_time: Math.floor(Date.now() / 1000), scope: '2fa' as const };
  return (await signToken(claims, config().PENDING_TOKEN_TTL)).token;
}

async function main() {
  const role = process.env.LOAD_ROLE;
  const count = Number(process.env.LOAD_USERS);
  const orgName = process.env.LOAD_ORG ?? 'Load bench';
  const prepared: Prepared = { verify: [], password: [] };
  if (role === 'verify') {
    const perUser = Number(process.env.LOAD_TOKENS_PER_USER ?? 3);
    prepared.verify = await pool(count, 8, async (i) => {
      const { user, secret, enrolledStep } = await enrolled(orgName, i);
      const tokens = [];
      for (let k = 0; k < perUser; k++) tokens.push(await pendingToken(user));
      return { userId: user.userId, secret, enrolledStep, tokens };
    });
  } else if (role === 'password') {
    prepared.password = await pool(count, 2, async (i) => {
      const { user } = await enrolled(orgName, i);
      return { email: user.email, password: user.password };
    });
  } else throw new Error(`LOAD_ROLE must be verify or password, not ${role}`);
  writeFileSync(process.env.LOAD_PREP_OUT!, JSON.stringify(prepared));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
