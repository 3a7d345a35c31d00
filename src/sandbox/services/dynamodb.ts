import {
  ConditionalCheckFailedException,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DescribeTableCommandInput,
  type DescribeTableCommandOutput,
  DynamoDBServiceException,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  type QueryCommandInput,
  type QueryCommandOutput,
  ResourceNotFoundException,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { type Env, fail, notModeled, type Out, type ServiceModel, serviceError } from '../core.ts';
import type { Table, World } from '../world.ts';
import {
  type Item,
  Placeholders,
  parseCondition,
  parseProjection,
  parseUpdate,
  type Refusal,
} from './dynamodb-expressions.ts';

const refuse: Refusal = (message) => {
  throw serviceError(DynamoDBServiceException, 'ValidationException', message);
};

function tableOf(world: World, name: string | undefined): Table {
  return world.tables.get(name ?? '') ?? fail(ResourceNotFoundException, 'Requested resource not found');
}

/** The item's storage key; a key with missing or extra attributes is refused as DynamoDB does. */
function keyOf(table: Table, key: Item | undefined): string {
  const names = Object.keys(key ?? {});
  const hash = key?.[table.hashKey];
  const range = key?.[table.rangeKey];
  if (!hash?.S || !range?.S || names.length !== 2)
    refuse('The provided key element does not match the schema');
  return JSON.stringify([hash.S, range.S]);
}

const keyAttributes = (table: Table, item: Item): Item => {
  const { [table.hashKey]: hash, [table.rangeKey]: range } = item;
  return hash && range ? { [table.hashKey]: hash, [table.rangeKey]: range } : {};
};

interface Expressions {
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Item | undefined;
}
const placeholders = (input: Expressions) =>
  new Placeholders(input.ExpressionAttributeNames, input.ExpressionAttributeValues, refuse);

function conditionFailed(old: Item | undefined, returnOld: string | undefined): never {
  return fail(ConditionalCheckFailedException, 'The conditional request failed', {
    ...(returnOld === 'ALL_OLD' && old ? { Item: old } : {}),
  });
}

const pick = (item: Item | undefined, names: string[]): Item =>
  Object.fromEntries(names.flatMap((n) => (item?.[n] ? [[n, item[n]]] : [])));

function project(item: Item, projection: string[] | undefined): Item {
  return projection ? pick(item, projection) : item;
}

function GetItem(input: GetItemCommandInput, { world }: Env): Out<GetItemCommandOutput> {
  const table = tableOf(world, input.TableName);
  const p = placeholders(input);
  const projection = input.ProjectionExpression ? parseProjection(input.ProjectionExpression, p) : undefined;
  p.checkAllUsed();
  const item = table.items.get(keyOf(table, input.Key));
  return item ? { Item: project(item, projection) } : {};
}

/** The item at `key`, once the write's condition, if it has one, holds for it. */
function currentIf(
  table: Table,
  key: string,
  input: {
    ConditionExpression?: string | undefined;
    ReturnValuesOnConditionCheckFailure?: string | undefined;
  },
  p: ReturnType<typeof placeholders>,
): Item | undefined {
  const condition = input.ConditionExpression
    ? parseCondition(input.ConditionExpression, p, 'ConditionExpression')
    : undefined;
  p.checkAllUsed();
  const old = table.items.get(key);
  if (condition && !condition.test(old ?? {}))
    conditionFailed(old, input.ReturnValuesOnConditionCheckFailure as never);
  return old;
}

function PutItem(input: PutItemCommandInput, { world }: Env): Out<PutItemCommandOutput> {
  const table = tableOf(world, input.TableName);
  const item = input.Item ?? {};
  const key = keyOf(table, keyAttributes(table, item));
  const p = placeholders(input);
  const old = currentIf(table, key, input, p);
  table.items.set(key, { ...item });
  return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
}

function UpdateItem(input: UpdateItemCommandInput, { world }: Env): Out<UpdateItemCommandOutput> {
  const table = tableOf(world, input.TableName);
  const key = keyOf(table, input.Key);
  if (input.AttributeUpdates) throw notModeled('DynamoDB AttributeUpdates (use UpdateExpression)');
  const p = placeholders(input);
  const update = input.UpdateExpression
    ? parseUpdate(input.UpdateExpression, p)
    : { apply: () => {}, paths: [] };
  for (const path of update.paths) {
    if (path === table.hashKey || path === table.rangeKey) {
      refuse(
        `One or more parameter values were invalid: Cannot update attribute ${path}. This attribute is part of the key`,
      );
    }
  }
  const old = currentIf(table, key, input, p);
  // UpdateItem creates the item when it is absent: the key plus whatever the update sets.
  const next: Item = { ...(old ?? input.Key) };
  update.apply(next);
  table.items.set(key, next);
  switch (input.ReturnValues ?? 'NONE') {
    case 'ALL_NEW':
      return { Attributes: next };
    case 'UPDATED_NEW':
      return { Attributes: pick(next, update.paths) };
    case 'ALL_OLD':
      return old ? { Attributes: old } : {};
    case 'UPDATED_OLD':
      return { Attributes: pick(old, update.paths) };
    default:
      return {};
  }
}

function DeleteItem(input: DeleteItemCommandInput, { world }: Env): Out<DeleteItemCommandOutput> {
  const table = tableOf(world, input.TableName);
  const key = keyOf(table, input.Key);
  const p = placeholders(input);
  const old = currentIf(table, key, input, p);
  table.items.delete(key);
  return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
}

function Query(input: QueryCommandInput, { world }: Env): Out<QueryCommandOutput> {
  const table = tableOf(world, input.TableName);
  if (input.IndexName) throw notModeled('DynamoDB secondary indexes');
  if (!input.KeyConditionExpression) throw notModeled('DynamoDB KeyConditions (use KeyConditionExpression)');
  const p = placeholders(input);
  const keyCondition = parseCondition(input.KeyConditionExpression, p, 'KeyConditionExpression');
  const operator = /\b(OR|NOT)\b/i.exec(input.KeyConditionExpression);
  if (operator) refuse(`Invalid operator used in KeyConditionExpression: ${operator[1]?.toUpperCase()}`);
  if (!keyCondition.equalities.includes(table.hashKey))
    refuse(`Query condition missed key schema element: ${table.hashKey}`);
  const filter = input.FilterExpression
    ? parseCondition(input.FilterExpression, p, 'FilterExpression')
    : undefined;
  const projection = input.ProjectionExpression ? parseProjection(input.ProjectionExpression, p) : undefined;
  p.checkAllUsed();

  const sortKey = (item: Item) => item[table.rangeKey]?.S ?? '';
  let matches = [...table.items.values()]
    .filter(keyCondition.test)
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  if (input.ScanIndexForward === false) matches.reverse();
  if (input.ExclusiveStartKey) {
    const start = keyOf(table, input.ExclusiveStartKey);
    const at = matches.findIndex((item) => keyOf(table, keyAttributes(table, item)) === start);
    matches = matches.slice(at + 1);
  }
  // Limit caps the items read, before the filter, as in DynamoDB.
  const read = input.Limit ? matches.slice(0, input.Limit) : matches;
  const last = read.at(-1);
  const items = filter ? read.filter(filter.test) : read;
  return {
    Items: items.map((item) => project(item, projection)),
    Count: items.length,
    ScannedCount: read.length,
    ...(read.length < matches.length && last ? { LastEvaluatedKey: keyAttributes(table, last) } : {}),
  };
}

function DescribeTable(input: DescribeTableCommandInput, { world }: Env): Out<DescribeTableCommandOutput> {
  const table = tableOf(world, input.TableName);
  return {
    Table: {
      TableName: table.name,
      TableArn: table.arn,
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: table.hashKey, KeyType: 'HASH' },
        { AttributeName: table.rangeKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: table.hashKey, AttributeType: 'S' },
        { AttributeName: table.rangeKey, AttributeType: 'S' },
      ],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      ItemCount: table.items.size,
    },
  };
}

export const dynamoDb: ServiceModel = {
  exception: DynamoDBServiceException,
  commands: { GetItem, PutItem, UpdateItem, DeleteItem, Query, DescribeTable },
};
