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

/** The command class of `operation`, with lib-dynamodb's input and output types. */
function commandOf<Input extends object, Output extends object>(operation: Operation) {
  return class extends Command<Input, Output> {
    readonly operation = operation;
  };
}

export const GetCommand = commandOf<Lib.GetCommandInput, Lib.GetCommandOutput>('GetItem');
export const PutCommand = commandOf<Lib.PutCommandInput, Lib.PutCommandOutput>('PutItem');
export const UpdateCommand = commandOf<Lib.UpdateCommandInput, Lib.UpdateCommandOutput>('UpdateItem');
export const DeleteCommand = commandOf<Lib.DeleteCommandInput, Lib.DeleteCommandOutput>('DeleteItem');
export const QueryCommand = commandOf<Lib.QueryCommandInput, Lib.QueryCommandOutput>('Query');
export const ScanCommand = commandOf<Lib.ScanCommandInput, Lib.ScanCommandOutput>('Scan');
export const BatchGetCommand = commandOf<Lib.BatchGetCommandInput, Lib.BatchGetCommandOutput>('BatchGetItem');
export const BatchWriteCommand = commandOf<Lib.BatchWriteCommandInput, Lib.BatchWriteCommandOutput>('BatchWriteItem');
export const TransactGetCommand = commandOf<Lib.TransactGetCommandInput, Lib.TransactGetCommandOutput>('TransactGetItems');
export const TransactWriteCommand = commandOf<Lib.TransactWriteCommandInput, Lib.TransactWriteCommandOutput>('TransactWriteItems');

export type TransactWriteCommandInput = Lib.TransactWriteCommandInput;
