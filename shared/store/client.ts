/**
 * The single-table DynamoDB client: one DocumentClient per process, built from config.
 *
 * It resolves each command type's middleware stack once per process. lib-dynamodb's own client
 * rebuilds and sorts the whole stack on every call (twice: the document command wraps a DynamoDB
 * command) and adds its marshalling middleware anew, about 5% of a warm verify's CPU; the SDK's
 * `cacheMiddleware`, which does this for plain clients, is refused by the document client. The
 * handler a DynamoDB command resolves to takes the command as its argument, so one serves every
 * later command of its type; a change to the client's stack (a test's or the bench's recorder)
 * drops the handlers.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { clientOptions, harden } from './aws-clients';

type Handler = (command: unknown) => Promise<{ output: unknown }>;

/** What a lib-dynamodb command holds (protected in its types): the DynamoDB command it wraps, and its marshalling. */
interface DocumentCommandParts {
  clientCommand: { resolveMiddleware(stack: unknown, config: unknown, options: undefined): Handler };
  middlewareStack: DynamoDBDocumentClient['middlewareStack'];
  addMarshallingMiddleware(config: unknown): void;
}

/** The stack's methods that change it: calling one drops the resolved handlers. */
const CHANGES = new Set<PropertyKey>(['add', 'addRelativeTo', 'use', 'remove', 'removeByTag', 'applyToStack']);

class ResolvedOnceDocumentClient extends DynamoDBDocumentClient {
  /** By command type (the DynamoDBDocumentClient's `handlers` is the SDK's own cache, unused here). */
  private readonly resolved = new Map<unknown, Handler>();

  constructor(base: DynamoDBClient, translateConfig: TranslateConfig) {
    super(base, translateConfig);
    const stack = this.middlewareStack;
    const resolved = this.resolved;
    this.middlewareStack = new Proxy(stack, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (!CHANGES.has(key) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          resolved.clear();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  // `any`: one signature for the base class's overloads.
  override send(command: any, optionsOrCb?: any, cb?: any): any {
    // With options or a callback (no caller here passes either): the document client's own way.
    if (optionsOrCb !== undefined || cb !== undefined) return super.send(command, optionsOrCb, cb);
    const parts = command as DocumentCommandParts;
    return this.handlerFor(parts)(parts.clientCommand).then((result) => result.output);
  }

  private handlerFor(command: DocumentCommandParts): Handler {
    let handler = this.resolved.get(command.constructor);
    if (!handler) {
      // What the document command's resolveMiddleware does, once per type: its marshalling reads
      // the type's key nodes (the same for every instance) and each call's own input and output.
      command.addMarshallingMiddleware(this.config);
      handler = command.clientCommand.resolveMiddleware(this.middlewareStack.concat(command.middlewareStack), this.config, undefined);
      this.resolved.set(command.constructor, handler);
    }
    return handler;
  }
}

let client: DynamoDBDocumentClient | undefined;

export function db(): DynamoDBDocumentClient {
  if (!client) {
    const { DYNAMODB_ENDPOINT, AWS_REGION } = config();
    const base = new DynamoDBClient({
      ...clientOptions('dynamodb'),
      region: AWS_REGION,
      ...(DYNAMODB_ENDPOINT && {
        endpoint: DYNAMODB_ENDPOINT,
        // DynamoDB Local accepts any credentials; these keep the SDK from looking for real ones.
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    });
    client = new ResolvedOnceDocumentClient(harden(base, 'dynamodb'), { marshallOptions: { removeUndefinedValues: true } });
  }
  return client;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

/** For tests and the local runner after they change the configuration. */
export function resetDb(): void {
  client?.destroy();
  client = undefined;
}
