/**
 * Which audit events a security notice went out for (pk=NOTICE#<eventId> sk=NOTICE, with a TTL):
 * EventBridge delivers an event at least once, and a second delivery must not send a second email.
 * A claim is a conditional put, so two deliveries running at once cannot both win.
 */
import { DeleteCommand, PutCommand } from '../store/commands';
import { db, tableName } from '../store/client';
import { conditionally, epochSeconds, LostRace } from '../store/conditions';
import { keys } from '../store/keys';

/** Claims the event's notice until `expiresAt`; false when it was claimed already (a repeated delivery). */
export async function claimNotice(eventId: string, at: Date, expiresAt: Date): Promise<boolean> {
  try {
    await conditionally(() =>
      db().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.notice(eventId), claimedAt: at.toISOString(), expiresAt: epochSeconds(expiresAt) },
          // TTL deletes late: an expired claim counts as absent.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': epochSeconds(at) },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (error instanceof LostRace) return false;
    throw error;
  }
}

/** Gives the claim up (the send failed): the next delivery of the event tries again. */
export async function releaseNotice(eventId: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: tableName(), Key: keys.notice(eventId) }));
}
