/**
 * The single table, described once. The CDK stack and the local runtime (DynamoDB Local) both build
 * their table from this, so the two cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** One GSI: an org's users (and other per-org listings) by `gsi1pk`/`gsi1sk`. */
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Epoch seconds. DynamoDB deletes expired items late, so reads check it too. */
  ttlAttribute: 'expiresAt',
} as const;
