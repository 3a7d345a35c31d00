import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNServiceException } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { AwsTransient, CutoverInProgress, LedgerConflict } from '../../src/errors.ts';
import { takeLock } from '../../src/steps/acquire-lock.ts';
import { giveBackLock } from '../../src/steps/release-lock.ts';
import {
  context,
  dryRunPlan,
  EXECUTION,
  forgetCalls,
  ledger,
  mocks,
  mutations,
  OTHER_EXECUTION,
  planWith,
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

describe('takeLock with a lock whose holder is no longer running', () => {
  const holderIs = (status: 'RUNNING' | 'FAILED' | 'SUCCEEDED') =>
    mocks.sfn
      .on(DescribeExecutionCommand, { executionArn: OTHER_EXECUTION })
      .resolves({ status, stopDate: status === 'RUNNING' ? undefined : new Date('2026-01-15T09:40:00Z') });
  const takingOver = (from = OTHER_EXECUTION) =>
    context(
      planWith((p) => {
        p.takeOverLockFrom = from;
      }),
    );

  it('names a holder that still runs, how to follow it and how to stop it, and writes nothing', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    holderIs('RUNNING');

    const taking = takeLock(context());

    await expect(taking).rejects.toBeInstanceOf(CutoverInProgress);
    await expect(taking).rejects.toThrow(
      `which is still RUNNING. Nothing was changed. Wait for it to end (\`cutover status ${OTHER_EXECUTION}\`), or stop it (\`cutover abort ${OTHER_EXECUTION}\``,
    );
    expect(mutations()).toEqual([]);
  });

  it('reports a lock left by an ended execution as stale, with what it left and how to take it over', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    ledger.seedChange({
      key: 'ssm-parameter:/tis/cognito/user-pool-id',
      kind: 'ssm-parameter',
      ref: {},
      before: 'old',
      after: 'new',
      seq: 1,
      status: 'pending',
      executionId: OTHER_EXECUTION,
    });
    holderIs('FAILED');

    const taking = takeLock(context());

    await expect(taking).rejects.toBeInstanceOf(CutoverInProgress);
    await expect(taking).rejects.toThrow('which ended FAILED at 2026-01-15T09:40:00.000Z. The lock is stale');
    await expect(taking).rejects.toThrow(
      'It left 1 change(s) not restored (ssm-parameter:/tis/cognito/user-pool-id pending): to undo them, roll the migration back (`cutover rollback --migration-id tis-prod-pool-v1-to-v2 --stage STAGE`)',
    );
    await expect(taking).rejects.toThrow(`start again with --take-over-lock ${OTHER_EXECUTION}`);
    expect(mutations()).toEqual([]);
    expect(ledger.lock()).toMatchObject({ owner: OTHER_EXECUTION, status: 'held' });
  });

  it('counts a holder Step Functions no longer knows as stale', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    mocks.sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    await expect(takeLock(context())).rejects.toThrow('which no longer exists. The lock is stale');
  });

  it('takes the lock over only from the stale holder the plan names, with one conditional write', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    holderIs('FAILED');

    const result = await takeLock(takingOver());

    expect(result).toEqual({ acquired: true, tookOverFrom: OTHER_EXECUTION });
    expect(mocks.dynamoDb).toHaveReceivedCommandWith(UpdateItemCommand, {
      ConditionExpression: '#status = :held AND #owner = :from',
    });
    expect(ledger.lock()).toMatchObject({ owner: EXECUTION, status: 'held', tookOverFrom: OTHER_EXECUTION });
    expect(mutations()).toEqual(['UpdateItem', 'PutItem']);
  });

  it.each([
    ['the holder still runs', OTHER_EXECUTION, 'RUNNING'],
    ['the plan names another execution', EXECUTION.replace('run-1', 'run-9'), 'FAILED'],
  ] as const)('does not take it over when %s', async (_case, from, status) => {
    ledger.seedLock(OTHER_EXECUTION);
    holderIs(status);

    await expect(takeLock(takingOver(from))).rejects.toBeInstanceOf(CutoverInProgress);
    expect(mutations()).toEqual([]);
    expect(ledger.lock()).toMatchObject({ owner: OTHER_EXECUTION });
  });

  it('never takes over from a holder whose state it cannot read, even when the plan names it', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    mocks.sfn.on(DescribeExecutionCommand).rejects(
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        message: 'not authorized to perform: states:DescribeExecution',
        $metadata: {},
      }),
    );

    await expect(takeLock(takingOver())).rejects.toThrow(
      /which is of unknown state \(.*AccessDeniedException/,
    );
    expect(mutations()).toEqual([]);
  });

  it('lets the state retry when looking the holder up is throttled', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    mocks.sfn.on(DescribeExecutionCommand).rejects(
      new SFNServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        message: 'Rate exceeded',
        $metadata: {},
      }),
    );

    await expect(takeLock(takingOver())).rejects.toBeInstanceOf(AwsTransient);
  });

  it('in a dry-run reports the lock as stale and changes nothing', async () => {
    ledger.seedLock(OTHER_EXECUTION);
    holderIs('SUCCEEDED');

    expect(await takeLock(context(dryRunPlan()))).toEqual({
      acquired: false,
      heldBy: OTHER_EXECUTION,
      stale: true,
    });
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
