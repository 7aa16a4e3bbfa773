/**
 * The DynamoDB commands the service sends, by the names and with the document-value inputs and
 * outputs of lib-dynamodb (its types, erased at build): a command is only its operation and its
 * input; ./client.ts marshals, signs and sends it.
 */
import type * as Lib from '@aws-sdk/lib-dynamodb';

export type Operation =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'TransactGetItems'
  | 'TransactWriteItems';

export abstract class Command<Input extends object, Output extends object> {
  abstract readonly operation: Operation;
  /** Never set: carries the output type to `send`. */
  declare readonly output?: Output;

  constructor(readonly input: Input) {}
}

export class GetCommand extends Command<Lib.GetCommandInput, Lib.GetCommandOutput> {
  readonly operation = 'GetItem';
}
export class PutCommand extends Command<Lib.PutCommandInput, Lib.PutCommandOutput> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends Command<Lib.UpdateCommandInput, Lib.UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends Command<Lib.DeleteCommandInput, Lib.DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends Command<Lib.QueryCommandInput, Lib.QueryCommandOutput> {
  readonly operation = 'Query';
}
export class ScanCommand extends Command<Lib.ScanCommandInput, Lib.ScanCommandOutput> {
  readonly operation = 'Scan';
}
export class BatchGetCommand extends Command<Lib.BatchGetCommandInput, Lib.BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
}
export class BatchWriteCommand extends Command<Lib.BatchWriteCommandInput, Lib.BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
}
export class TransactGetCommand extends Command<Lib.TransactGetCommandInput, Lib.TransactGetCommandOutput> {
  readonly operation = 'TransactGetItems';
}
export class TransactWriteCommand extends Command<Lib.TransactWriteCommandInput, Lib.TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
}

export type TransactWriteCommandInput = Lib.TransactWriteCommandInput;
