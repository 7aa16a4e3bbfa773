/**
 * The two KMS operations the data key needs (GenerateDataKey, Decrypt), over KMS's JSON API through
 * ../store/aws-client.ts: the same signing, timeouts, retries and budget as DynamoDB's, and no
 * SDK in the bundle (README, Performance). Blobs travel in base64.
 */
import { config } from '../config';
import { AwsClient, bytesAsBase64, credentialsOf, endpointOf, type AwsClientOptions } from '../store/aws-client';
import { policyOf } from '../store/aws-policy';

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
  constructor(options: Pick<AwsClientOptions, 'endpoint' | 'region' | 'credentials' | 'policy'>) {
    super({
      ...options,
      service: 'kms',
      route: (operation) => ({ path: '/', target: `TrentService.${operation}` }),
      contentType: 'application/x-amz-json-1.1',
      encode: (_operation, input) => JSON.stringify(input, bytesAsBase64),
      decode: (_operation, body) => JSON.parse(body) as Record<string, unknown>,
    });
  }

  async generateDataKey(input: GenerateDataKeyInput): Promise<DataKey> {
    const output = await this.call('GenerateDataKey', input);
    return { Plaintext: blob(output, 'Plaintext'), CiphertextBlob: blob(output, 'CiphertextBlob') };
  }

  async decrypt(input: DecryptInput): Promise<Buffer> {
    return blob(await this.call('Decrypt', input), 'Plaintext');
  }
}

/** KMS in the configured region, with the environment's credentials (Lambda's). */
export function kmsClient(): KmsClient {
  const region = config().AWS_REGION;
  return new KmsClient({ region, endpoint: endpointOf('kms', region), credentials: credentialsOf(), policy: policyOf('kms') });
}
