/**
 * Document values to DynamoDB's JSON and back, for the fields of each operation that hold items,
 * keys or expression values: what lib-dynamodb's commands translate, with the same marshaller
 * (@aws-sdk/util-dynamodb, undefined values removed). Items in errors (a refused condition's
 * `Item`, a cancelled transaction's reasons) stay raw, as the SDK leaves them.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Operation } from './commands';

type Doc = Record<string, unknown>;
type Raw = Record<string, AttributeValue>;

const toRaw = (value: unknown) => marshall(value as Doc, { removeUndefinedValues: true });
const toDoc = (value: unknown) => unmarshall(value as Raw);

/** `fields` of `obj` mapped by `fn`, where present. */
function mapFields(obj: Doc, fields: readonly string[], fn: (value: unknown) => unknown): Doc {
  const out = { ...obj };
  for (const f of fields) if (out[f] !== undefined) out[f] = fn(out[f]);
  return out;
}

const mapList = (list: unknown, fn: (value: unknown) => unknown) => (list as unknown[] | undefined)?.map(fn);
const mapTables = (tables: unknown, fn: (value: unknown) => unknown) => tables && Object.fromEntries(Object.entries(tables as Doc).map(([t, v]) => [t, fn(v)]));

/** A write request of BatchWriteItem (a put or a delete) through `fn`. */
const writeRequest = (fn: (value: unknown) => unknown) => (request: unknown) => {
  const { PutRequest, DeleteRequest } = request as { PutRequest?: Doc; DeleteRequest?: Doc };
  return {
    ...(PutRequest && { PutRequest: mapFields(PutRequest, ['Item'], fn) }),
    ...(DeleteRequest && { DeleteRequest: mapFields(DeleteRequest, ['Key'], fn) }),
  };
};

/** The keys of one table in BatchGetItem (a request, or what it left unprocessed) through `fn`. */
const tableKeys = (fn: (value: unknown) => unknown) => (request: unknown) => ({ ...(request as Doc), Keys: mapList((request as Doc).Keys, fn) });

const EXPRESSION = ['Key', 'Item', 'ExpressionAttributeValues'] as const;

/** The input of `operation` with its document values as DynamoDB's. */
export function marshalInput(operation: Operation, input: Doc): Doc {
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return mapFields(input, EXPRESSION, toRaw);
    case 'Query':
    case 'Scan':
      return mapFields(input, ['ExpressionAttributeValues', 'ExclusiveStartKey'], toRaw);
    case 'BatchGetItem':
      return { ...input, RequestItems: mapTables(input.RequestItems, tableKeys(toRaw)) };
    case 'BatchWriteItem':
      return { ...input, RequestItems: mapTables(input.RequestItems, (list) => mapList(list, writeRequest(toRaw))) };
    case 'TransactGetItems':
      return { ...input, TransactItems: mapList(input.TransactItems, (t) => ({ Get: mapFields((t as { Get: Doc }).Get, ['Key'], toRaw) })) };
    case 'TransactWriteItems':
      return {
        ...input,
        TransactItems: mapList(input.TransactItems, (t) => Object.fromEntries(Object.entries(t as Doc).map(([kind, part]) => [kind, mapFields(part as Doc, EXPRESSION, toRaw)]))),
      };
  }
}

/** The output of `operation` with DynamoDB's values as document values. */
export function unmarshalOutput(operation: Operation, output: Doc): Doc {
  switch (operation) {
    case 'GetItem':
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return mapFields(output, ['Item', 'Attributes'], toDoc);
    case 'Query':
    case 'Scan':
      return { ...output, ...(output.Items !== undefined && { Items: mapList(output.Items, toDoc) }), ...(output.LastEvaluatedKey !== undefined && { LastEvaluatedKey: toDoc(output.LastEvaluatedKey) }) };
    case 'BatchGetItem':
      return {
        ...output,
        Responses: mapTables(output.Responses, (items) => mapList(items, toDoc)),
        UnprocessedKeys: mapTables(output.UnprocessedKeys, tableKeys(toDoc)),
      };
    case 'BatchWriteItem':
      return { ...output, UnprocessedItems: mapTables(output.UnprocessedItems, (list) => mapList(list, writeRequest(toDoc))) };
    case 'TransactGetItems':
      return { ...output, Responses: mapList(output.Responses, (r) => mapFields(r as Doc, ['Item'], toDoc)) };
    case 'TransactWriteItems':
      return output;
  }
}

/** The response's reviver: a `B` or `BS` value (the only string-valued B keys in DynamoDB's JSON) as bytes. */
function base64AsBinary(key: string, value: unknown): unknown {
  if (key === 'B' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (key === 'BS' && Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((v: string) => Buffer.from(v, 'base64'));
  return value;
}

/** A response body; the reviver only runs where a binary value may be (it slows the parse). */
export function parseResponse(text: string): Doc {
  return JSON.parse(text, /"BS?":/.test(text) ? base64AsBinary : undefined) as Doc;
}
