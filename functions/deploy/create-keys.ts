/**
 * A CloudFormation custom resource, not a route: at deploy time it creates the wrapped data key
 * (CONFIG/DATA_KEY) and the first signing key with the same code the functions use, so that no
 * function has to be the first to need them. Functions may then only read key material (their
 * roles deny writes to those partitions, and they may only kms:Decrypt). Idempotent: an existing
 * key is kept. Deleting the stack keeps both (the table is retained with them).
 */
import { defaultKeyProvider } from '../../shared/adapters/key-provider';
import { activeSigningKey } from '../../shared/tokens/signing-keys';

interface CustomResourceEvent {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
}

const PHYSICAL_ID = 'twofactor-key-material';

export async function handler(event: CustomResourceEvent): Promise<void> {
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'key material present';
  try {
    if (event.RequestType !== 'Delete') {
      await (await defaultKeyProvider()).dataKey();
      await activeSigningKey();
    }
  } catch (error) {
    status = 'FAILED';
    // The name and message only: no key material ever reaches an error here.
    reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
    console.error(JSON.stringify({ level: 'ERROR', message: 'creating key material failed', reason }));
  }
  // The custom resource protocol: the answer is a PUT to the pre-signed S3 URL CloudFormation gave.
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body: JSON.stringify({
      Status: status,
      Reason: reason,
      PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_ID,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    }),
  });
  if (!response.ok) throw new Error(`CloudFormation response failed: ${response.status}`);
}
