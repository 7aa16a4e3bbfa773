/**
 * The tenant boundary is a type: org-wide reads and writes take an OrgScope, and only the permission
 * check makes one. `npx tsc` checks the @ts-expect-error lines below: were a plain org id accepted,
 * the directive would be unused and the type check would fail.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { auditTrail } from '../../shared/audit/trail';
import { enrolmentReport } from '../../shared/identity/enrolment-report';
import { administeredOrg } from '../../shared/identity/permissions';
import type { OrgScope } from '../../shared/model/org-scope';
import { changePolicy } from '../../shared/policy/changes';
import { currentPolicy } from '../../shared/policy/policy';
import { setForced } from '../../shared/policy/rules';
import type { Principal } from '../../shared/tokens/principal';

const admin: Principal = { userId: 2, orgId: 7, role: 'admin', aal: 2, amr: ['pwd', 'otp'], authTime: 0, pending: false, expiresAt: 0 };

/** Never called: these lines exist for the compiler. */
function callsWithoutTheCheck(orgId: number) {
  // @ts-expect-error a plain org id is not an OrgScope
  void changePolicy(orgId, { principal: admin }, setForced(true));
  // @ts-expect-error a plain org id is not an OrgScope
  void auditTrail(orgId, 10);
  // @ts-expect-error a plain org id is not an OrgScope
  void enrolmentReport(orgId, 10);
  // @ts-expect-error a plain org id is not an OrgScope
  void currentPolicy(orgId);
  // @ts-expect-error an object cannot be dressed up as one either
  const forged: OrgScope = { orgId };
  return forged;
}

it('the permission check makes the scope: the caller’s own org, or one support may name', () => {
  const scope: OrgScope = administeredOrg(admin);
  expect(scope).toBe(7);
  expect(administeredOrg({ ...admin, role: 'support' }, '9')).toBe(9);
  expect(() => administeredOrg(admin, '9')).toThrow('You may only administer your own org');
  expect(typeof callsWithoutTheCheck).toBe('function');
});

it('no module but the permission check casts a value to OrgScope', () => {
  const root = join(__dirname, '../..');
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'gen' ? [] : sources(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  const casting = ['shared', 'functions', 'infra']
    .flatMap((dir) => sources(join(root, dir)))
    .filter((path) => /as\s+OrgScope\b|<OrgScope>/.test(readFileSync(path, 'utf8')))
    .map((path) => relative(root, path));
  expect(casting).toEqual(['shared/identity/permissions.ts']);
});
