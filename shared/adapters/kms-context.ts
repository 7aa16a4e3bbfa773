/**
 * Binds wrapped data keys to this service (KMS encryption context). A leaf of its own: the CDK stack
 * puts it in the key policy, and must not load the runtime (SDK clients) to read it.
 */
export const KMS_ENCRYPTION_CONTEXT = { purpose: 'twofactor-data-key' };
