/** Zitadel's object details and type names for the one policy. */
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
