/** Test data: every test makes its own org and users, so suites can run in parallel on one table. */
import { randomUUID } from 'node:crypto';
import { bootstrapUser, type BootstrappedUser } from '../../shared/identity/bootstrap';
import type { Role } from '../../shared/model/user';
import { forgetCachedPolicy, POLICY_CACHE_MS } from '../../shared/policy/policy';
import { invoke } from './invoke';

export const uniqueEmail = (label = 'user') => `${label}-${randomUUID().slice(0, 8)}@example.test`;

export interface TestOrg {
  orgId: number;
  name: string;
  admin: BootstrappedUser;
  member: BootstrappedUser;
}

export async function newUser(orgName: string, role: Role = 'member'): Promise<BootstrappedUser> {
  return bootstrapUser(orgName, uniqueEmail(role), role);
}

export async function newOrg(): Promise<TestOrg> {
  const name = `Org ${randomUUID()}`;
  const admin = await newUser(name, 'admin');
  const member = await newUser(name, 'member');
  return { orgId: admin.orgId, name, admin, member };
}

export async function login(user: { email: string; password: string }) {
  const response = await invoke('POST /api/auth/login', { body: { email: user.email, password: user.password } });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  return response.body as {
    accessToken?: string;
    refreshToken?: string;
    pendingToken?: string;
    methods?: string[];
    twoFactorRequired?: boolean;
    twoFactorSetupRequired?: boolean;
  };
}

/** A full access token for a user without a second factor. */
export async function accessToken(user: { email: string; password: string }): Promise<string> {
  const body = await login(user);
  if (!body.accessToken) throw new Error('expected full tokens');
  return body.accessToken;
}

/**
 * Waits until a policy change reaches logins: in-process, this process's cached copy is dropped; in
 * the synthesized mode each function caches the org's policy for POLICY_CACHE_MS, as in Lambda.
 */
export async function policyChangeSettles(orgId: number): Promise<void> {
  if (process.env.TEST_SERVER_MODE !== 'synth') return forgetCachedPolicy(orgId);
  await new Promise((resolve) => setTimeout(resolve, POLICY_CACHE_MS + 100));
}
