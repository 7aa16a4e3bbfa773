/**
 * The single table, described once. The CDK stack and the local runtime (DynamoDB Local) both build
 * their table from this, so the two cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * One GSI: an org's users by `gsi1pk`/`gsi1sk`, for the enrolment report and the users list. It
   * carries only what those read (an INCLUDE projection; never the password hash), so a profile
   * write that changes none of these costs the index nothing. shared/store/keys.ts says which query
   * uses it.
   */
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: ['userId', 'email', 'role', 'enrolled', 'status', 'createdAt'] },
  /** Epoch seconds. DynamoDB deletes expired items late, so reads check it too. */
  ttlAttribute: 'expiresAt',
  /**
   * The change stream: new images only (the security events need nothing else). The EventBridge
   * Pipe reads it in AWS, the local follower in DynamoDB Local (infra/security-events.ts).
   */
  streamViewType: 'NEW_IMAGE',
} as const;
