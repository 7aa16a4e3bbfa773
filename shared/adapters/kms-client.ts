/**
 * The two KMS operations the data key needs (GenerateDataKey, Decrypt), over KMS's JSON API through
 * ../store/aws-client.ts: the same signing, timeouts, retries and budget as DynamoDB's, and no
 * SDK in the bundle (README, Performance). Blobs travel in base64.
 */
import { AwsClient, targetOf, type ClientTarget } from '../store/aws-client';

export interface GenerateDataKeyInput {
  KeyId: string;
  KeySpec: 'AES_256';
  EncryptionContext: Record<string, string>;
}

export interface DecryptInput {
  KeyId: string;
  CiphertextBlob: Uint8Array;
  EncryptionContext: Record<string, string>;
}

export interface DataKey {
  Plaintext: Buffer;
  CiphertextBlob: Buffer;
}

/** A blob of KMS's answer, as bytes. */
function blob(output: Record<string, unknown>, field: string): Buffer {
  const value = output[field];
  if (typeof value !== 'string') throw new Error(`KMS answered without ${field}`);
  return Buffer.from(value, 'base64');
}

export class KmsClient extends AwsClient {
  constructor(target: ClientTarget) {
    super({ ...target, service: 'kms', route: (operation) => ({ path: '/', target: `TrentService.${operation}` }), contentType: 'application/x-amz-json-1.1' });
  }

  async generateDataKey(input: GenerateDataKeyInput): Promise<DataKey> {
    const output = await this.call('GenerateDataKey', input);
    return { Plaintext: blob(output, 'Plaintext'), CiphertextBlob: blob(output, 'CiphertextBlob') };
  }

  async decrypt(input: DecryptInput): Promise<Buffer> {
    return blob(await this.call('Decrypt', input), 'Plaintext');
  }
}

export const kmsClient = () => new KmsClient(targetOf('kms'));
