/** Zitadel's object details and type names for the one policy. */
import { now } from '../../shared/clock';
import type { Method, Policy } from '../../shared/policy/policy';
import { zitadelTypes } from '../schemas';

const typeOf = Object.fromEntries(Object.entries(zitadelTypes).map(([type, method]) => [method, type])) as Record<Method, string>;

export const zitadelType = (method: Method) => typeOf[method];

/** `sequence` is a uint64 (a decimal string in JSON); dates are RFC 3339. */
export const objectDetails = (p: Policy) => ({
  sequence: String(p.sequence),
  creationDate: p.createdAt,
  changeDate: p.changedAt,
  resourceOwner: String(p.orgId),
});

/** ListLoginPolicySecondFactorsResponse, in its JSON form (the REST and RPC routes answer the same). */
export const secondFactorList = (p: Policy) => ({
  details: { totalResult: String(p.methods.length), viewTimestamp: now().toISOString() },
  result: p.methods.map(zitadelType),
});
