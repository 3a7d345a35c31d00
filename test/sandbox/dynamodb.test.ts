import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LEDGER_TABLE, newSession, rehearse } from '../../src/local/runner.ts';
import { dynamoDb } from '../../src/sandbox/services/dynamodb.ts';
import { emptyWorld, OPERATOR_ARN } from '../../src/sandbox/world.ts';
import { type DynaliteAnswer, dynaliteInProcess } from '../support/dynalite.ts';

// The sandbox models DynamoDB itself: dynalite in process answers a rehearsal's ledger calls about
// 16 times slower (npm run bench), which every rehearsal would pay. So the model is held to
// dynalite's answers here: the same calls, the same items, the same refusals in the same words.

const plan = JSON.parse(readFileSync(new URL('../../examples/plan.json', import.meta.url), 'utf8'));

function model() {
  const world = emptyWorld('eu-west-2', '123456789012');
  world.tables.set(LEDGER_TABLE, {
    name: LEDGER_TABLE,
    arn: `arn:aws:dynamodb:eu-west-2:123456789012:table/${LEDGER_TABLE}`,
    hashKey: 'pk',
    rangeKey: 'sk',
    items: new Map(),
  });
  const env = { world, now: 0, unhealthy: false, caller: OPERATOR_ARN, invoke: async () => ({}) };
  return async (command: string, input: object): Promise<DynaliteAnswer> => {
    try {
      const handler = dynamoDb.commands[command];
      if (!handler) throw new Error(`not modelled: ${command}`);
      return { output: (await handler(structuredClone(input) as never, env)) as Record<string, unknown> };
    } catch (error) {
      return { error: (error as Error).name, message: (error as Error).message };
    }
  };
}

/** What a caller reads of an answer: the items and attributes, the counts, the error's name. */
function read(answer: DynaliteAnswer) {
  if ('error' in answer) return { error: answer.error, message: answer.message };
  const { Item, Items, Attributes, Count, ScannedCount, LastEvaluatedKey } = answer.output;
  return Object.fromEntries(
    Object.entries({ Item, Items, Attributes, Count, ScannedCount, LastEvaluatedKey }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

async function replay(calls: { command: string; input: object }[]) {
  const dynalite = dynaliteInProcess();
  await dynalite.createLedger(LEDGER_TABLE);
  const sandbox = model();
  const answers = [];
  for (const { command, input } of calls) {
    answers.push({
      command,
      sandbox: read(await sandbox(command, input)),
      dynalite: read(await dynalite.send(command, input)),
    });
  }
  return answers;
}

const rehearsalCalls = async (options: Parameters<typeof rehearse>[0]) => {
  const session = newSession(options.plan);
  await rehearse({ ...options, session });
  return session.sandbox.calls.filter((c) => c.service === 'DynamoDB' && c.command !== 'DescribeTable');
};

const key = (sk: string) => ({ pk: { S: 'm-1' }, sk: { S: sk } });
const T = LEDGER_TABLE;

describe("the sandbox's DynamoDB, held to dynalite's answers", () => {
  it.each([
    ['a cutover that succeeds', { plan }],
    ['a cutover that rolls back', { plan, faults: [{ state: 'SwitchServices', kind: 'fail' as const }] }],
    [
      'a cutover stopped, then rolled back by the rule',
      { plan, stopAt: { state: 'CheckHealth', kind: 'abort' as const } },
    ],
  ])('answers the ledger traffic of %s as dynalite does', async (_name, options) => {
    // Arrange
    const calls = await rehearsalCalls(options);

    // Act
    const answers = await replay(calls);

    // Assert
    expect(answers.length).toBeGreaterThan(20);
    for (const answer of answers) expect(answer.sandbox, answer.command).toEqual(answer.dynalite);
  });

  it('answers conditions, projections, updates and paging as dynalite does, refusals included', async () => {
    // Arrange
    const S = (value: string) => ({ S: value });
    const owner = { ExpressionAttributeNames: { '#o': 'owner' } };
    const lock = { TableName: T, Key: key('LOCK') };
    const call = (command: string, input: object) => ({ command, input: { TableName: T, ...input } });
    const query = (input: object) =>
      call('Query', { ExpressionAttributeValues: { ':p': S('m-1') }, ...input });
    const calls = [
      call('PutItem', {
        Item: { ...key('LOCK'), owner: S('a'), seq: { N: '0' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      call('PutItem', {
        Item: { ...key('LOCK'), owner: S('b') },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      call('UpdateItem', {
        ...lock,
        ...owner,
        UpdateExpression: 'SET #o = :b ADD seq :one',
        ConditionExpression: '#o = :a',
        ExpressionAttributeValues: { ':a': S('a'), ':b': S('b'), ':one': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
      call('UpdateItem', {
        ...lock,
        ...owner,
        UpdateExpression: 'SET #o = :b',
        ConditionExpression: '#o = :a',
        ExpressionAttributeValues: { ':a': S('a'), ':b': S('c') },
      }),
      call('UpdateItem', {
        ...lock,
        UpdateExpression: 'SET pk = :v',
        ExpressionAttributeValues: { ':v': S('x') },
      }),
      call('UpdateItem', {
        ...lock,
        ...owner,
        UpdateExpression: 'SET #o = :v',
        ExpressionAttributeValues: { ':v': S('x'), ':unused': S('y') },
      }),
      call('UpdateItem', { ...lock, ...owner, UpdateExpression: 'SET #o = :missing' }),
      call('UpdateItem', { ...lock, ...owner, UpdateExpression: 'REMOVE #o', ReturnValues: 'UPDATED_OLD' }),
      call('GetItem', { ...lock, ...owner, ProjectionExpression: 'seq, #o' }),
      call('GetItem', { Key: { pk: S('m-1') } }),
      ...['CHANGE#a', 'CHANGE#b', 'CHANGE#c', 'NOTICE#x'].map((sk) =>
        call('PutItem', { Item: { ...key(sk), status: S(sk === 'CHANGE#b' ? 'restored' : 'applied') } }),
      ),
      query({
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':p': S('m-1'), ':c': S('CHANGE#') },
      }),
      query({
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
        FilterExpression: '#s <> :r',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': S('m-1'), ':c': S('CHANGE#'), ':r': S('restored') },
      }),
      query({ KeyConditionExpression: 'pk = :p', Limit: 2, ScanIndexForward: false }),
      query({ KeyConditionExpression: 'pk = :p', Limit: 2, ExclusiveStartKey: key('CHANGE#b') }),
      call('Query', { KeyConditionExpression: 'sk = :s', ExpressionAttributeValues: { ':s': S('LOCK') } }),
      call('DeleteItem', {
        Key: key('NOTICE#x'),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
      call('DeleteItem', { Key: key('NOTICE#x'), ConditionExpression: 'attribute_exists(pk)' }),
      call('GetItem', { TableName: 'no-such-table', Key: key('LOCK') }),
      call('UpdateItem', {
        ...lock,
        UpdateExpression: 'SET status = :v',
        ExpressionAttributeValues: { ':v': S('x') },
      }),
      call('UpdateItem', {
        ...lock,
        UpdateExpression: 'SET source = :v',
        ExpressionAttributeValues: { ':v': S('x') },
      }),
    ];

    // Act
    const answers = await replay(calls);

    // Assert
    const refusals = answers.map((a) => ('error' in a.dynalite ? a.dynalite.error : null));
    expect(refusals.filter((r) => r === 'ConditionalCheckFailedException')).toHaveLength(3);
    expect(refusals.filter((r) => r === 'ValidationException')).toHaveLength(7);
    expect(refusals.filter((r) => r === 'ResourceNotFoundException')).toHaveLength(1);
    for (const [i, answer] of answers.entries())
      expect(answer.sandbox, `${i}: ${answer.command}`).toEqual(answer.dynalite);
  });
});
