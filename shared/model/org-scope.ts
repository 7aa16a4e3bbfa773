/**
 * The tenant as a type. An `OrgScope` is an org id that the permission check found the caller may
 * administer; identity/permissions.ts makes them (`administeredOrg`, and `targetOrgFor` for a new
 * user's org), nothing else does. Every function that reads or writes org-wide data on an admin's
 * behalf takes one, so a handler that skips the check does not compile. The brand's symbol is not
 * exported: no value can be built to fit it.
 */
declare const orgScope: unique symbol;

export type OrgScope = number & { readonly [orgScope]: 'OrgScope' };
