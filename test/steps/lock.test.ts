import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { CutoverInProgress, LedgerConflict } from '../../src/errors.ts';
import { giveBackLock, takeLock } from '../../src/steps/lock.ts';
import {
  context,
  dryRunPlan,
  EXECUTION,
  forgetCalls,
  ledger,
  mocks,
  mutations,
  OTHER_EXECUTION,
} from './aws-mocks.ts';

describe('takeLock', () => {
  it('takes a free lock with one conditional write, then keeps the plan with the migration', async () => {
    const result = await takeLock(context());

    expect(result).toEqual({ acquired: true });
    expect(mutations()).toEqual(['UpdateItem', 'PutItem']);
    expect(mocks.dynamoDb).toHaveReceivedLastCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ sk: { S: 'PLAN' } }),
    });
    expect(mocks.dynamoDb).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: 'cutover-ledger',
      Key: { pk: { S: 'tis-prod-pool-v1-to-v2' }, sk: { S: 'LOCK' } },
      ConditionExpression: expect.stringContaining('#status = :released'),
    });
    expect(ledger.lock()).toMatchObject({ owner: EXECUTION, status: 'held' });
  });

  it('writes nothing when the same execution takes it again', async () => {
    await takeLock(context());
    forgetCalls();

    const result = await takeLock(context());

    expect(result).toEqual({ acquired: false });
    expect(mutations()).toEqual([]);
  });

  it('takes a lock another execution released', async () => {
    ledger.seedLock(OTHER_EXECUTION, 'released');

    expect(await takeLock(context())).toEqual({ acquired: true });
    expect(ledger.lock()).toMatchObject({ owner: EXECUTION, status: 'held' });
  });

  it('refuses with CutoverInProgress while another execution holds it, and writes nothing', async () => {
    ledger.seedLock(OTHER_EXECUTION);

    await expect(takeLock(context())).rejects.toBeInstanceOf(CutoverInProgress);
    await expect(takeLock(context())).rejects.toThrow(`locked by ${OTHER_EXECUTION}`);
    expect(mutations()).toEqual([]);
  });

  it('in a dry-run only reports who holds it', async () => {
    ledger.seedLock(OTHER_EXECUTION);

    const result = await takeLock(context(dryRunPlan()));

    expect(result).toEqual({ acquired: false, heldBy: OTHER_EXECUTION });
    expect(mutations()).toEqual([]);
  });
});

describe('giveBackLock', () => {
  it('releases the lock this execution holds', async () => {
    ledger.seedLock(EXECUTION);

    const result = await giveBackLock(context());

    expect(result).toEqual({ released: true });
    expect(mocks.dynamoDb).toHaveReceivedCommandWith(UpdateItemCommand, {
      ConditionExpression: '#owner = :owner',
    });
    expect(ledger.lock()).toMatchObject({ owner: EXECUTION, status: 'released' });
  });

  it('writes nothing when run again', async () => {
    ledger.seedLock(EXECUTION);
    await giveBackLock(context());
    forgetCalls();

    const result = await giveBackLock(context());

    expect(result).toEqual({ released: false });
    expect(mutations()).toEqual([]);
  });

  it("leaves another execution's lock held, with LedgerConflict", async () => {
    ledger.seedLock(OTHER_EXECUTION);

    await expect(giveBackLock(context())).rejects.toBeInstanceOf(LedgerConflict);
    expect(mutations()).toEqual([]);
    expect(ledger.lock()).toMatchObject({ owner: OTHER_EXECUTION, status: 'held' });
  });
});
