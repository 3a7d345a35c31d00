import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { forwardPath, loadMachine } from '../../src/statemachines/definition.ts';

describe('statemachines/rollback.asl.yml', () => {
  const { definition } = loadMachine('rollback');

  it('is valid Amazon States Language', () => {
    const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });

    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('restores, waits for DNS and the redeploys, tells users, then releases the lock', () => {
    const path = forwardPath(definition);

    expect(path).toEqual(
      expect.arrayContaining([
        'LoadMigration',
        'Restore',
        'CheckDnsSync',
        'CheckServices',
        'NotifyRolledBack',
        'ReleaseLock',
      ]),
    );
    expect(path.indexOf('Restore')).toBeLessThan(path.indexOf('CheckDnsSync'));
    expect(path.indexOf('CheckServices')).toBeLessThan(path.indexOf('NotifyRolledBack'));
    expect(path.indexOf('NotifyRolledBack')).toBeLessThan(path.indexOf('ReleaseLock'));
  });

  it('keeps the lock when a restore fails, and tells operators what is left', () => {
    expect(definition.States.RestoreComplete?.Choices?.[0]).toEqual({
      Variable: '$.rollback.complete',
      BooleanEquals: false,
      Next: 'NotifyRollbackIncomplete',
    });
    expect(definition.States.NotifyRollbackIncomplete?.Next).toBe('RollbackIncomplete');
    expect(definition.States.RollbackIncomplete?.Type).toBe('Fail');
  });

  describe('counting what the new pool gained', () => {
    const map = definition.States.CountGained;

    it('runs on a distributed Map, one child execution per shard of sub', () => {
      expect(map?.Type).toBe('Map');
      expect(map?.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(definition.States.GainedShards?.Parameters?.shards).toEqual([...'0123456789abcdef']);
    });

    it('shares the ListUsers rate among exactly as many workers as the Map runs at once', () => {
      expect(definition.States.GainedShards?.Parameters?.workers).toBe(map?.MaxConcurrency);
      expect(definition.States.GainedShards?.Parameters?.['perSecond.$']).toBe(
        '$.plan.quotas.listUsersPerSecond',
      );
    });

    it('pages each shard in a loop that waits as the step says, into the next shard too, and ends when the shard is read', () => {
      const shard = map?.ItemProcessor?.States ?? {};

      expect(shard.CountShard?.Next).toBe('ShardRead');
      expect(shard.ShardRead?.Choices).toEqual([
        { Variable: '$.progress.next', IsNull: true, Next: 'LastPace' },
      ]);
      expect(shard.KeepPace).toMatchObject({
        Type: 'Wait',
        SecondsPath: '$.progress.waitSeconds',
        Next: 'CountShard',
      });
      expect(shard.LastPace).toMatchObject({
        Type: 'Wait',
        SecondsPath: '$.progress.waitSeconds',
        Next: 'ShardCounted',
      });
      expect(shard.CountShard?.Retry?.[0]?.ErrorEquals).toContain('AwsTransient');
    });

    it('tells operators even when the count fails, and counts nothing when nothing was left to restore', () => {
      expect(map?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.gained', Next: 'NotifyRolledBack' },
      ]);
      expect(map?.Next).toBe('NotifyRolledBack');
      expect(definition.States.WhatWasGained?.Choices?.[0]).toMatchObject({
        Variable: '$.rollback.nothingLeft',
        Next: 'NothingGained',
      });
      expect(definition.States.NotifyRolledBack?.Parameters).toMatchObject({
        'since.$': '$.rollback.since',
        'gained.$': '$.gained',
      });
    });
  });
});
