import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { ALL_ERROR_CLASSES } from '../../src/errors.ts';
import { forwardPath, loadMachine } from '../../src/statemachines/definition.ts';
import { FRESH, MAX_USERS_PER_SHARD, SHARDS, shardsFor, WORKERS } from '../../src/steps/core/sweep.ts';

describe('statemachines/sweep.asl.yml', () => {
  const { definition } = loadMachine('sweep');
  const map = definition.States.SweepShards;
  const shard = map?.ItemProcessor?.States ?? {};

  it('is valid Amazon States Language', () => {
    const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });

    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('starts, sweeps every shard, then reports', () => {
    expect(forwardPath(definition)).toEqual(['StartSweep', 'SweepShards', 'SweepReport', 'Swept']);
  });

  it('sweeps on a distributed Map, one child execution per shard, that stops at the first shard that fails', () => {
    expect(map?.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
    expect(map?.ItemsPath).toBe('$.sweep.shards');
    expect(map?.ToleratedFailurePercentage).toBe(0);
    expect(SHARDS).toHaveLength(256);
    expect(new Set(SHARDS).size).toBe(256);
  });

  it('shards a pool of millions finer: 4,096 shards of three hex digits past 256 full ones', () => {
    // Act
    const small = shardsFor(MAX_USERS_PER_SHARD * 256);
    const large = shardsFor(MAX_USERS_PER_SHARD * 256 + 1);

    // Assert
    expect(small).toEqual(SHARDS);
    expect(large).toHaveLength(4096);
    expect(new Set(large).size).toBe(4096);
    expect(large.every((shard) => /^[0-9a-f]{3}$/.test(shard))).toBe(true);
    // Step Functions' payload quota is 256 KiB; the shards travel in the state.
    expect(JSON.stringify(large).length).toBeLessThan(32_000);
  });

  it('runs as many shards at once as the workers the rate is shared among', () => {
    expect(map?.MaxConcurrency).toBe(WORKERS);
  });

  it('starts each shard from the progress the worker expects of a shard not yet read', () => {
    expect(map?.ItemSelector?.progress).toEqual(FRESH);
  });

  it("keeps each worker's pace between its calls and into its next shard", () => {
    expect(shard.SweepPage?.Next).toBe('ShardRead');
    expect(shard.ShardRead?.Choices).toEqual([
      { Variable: '$.progress.done', BooleanEquals: true, Next: 'LastPace' },
    ]);
    expect(shard.KeepSweepPace).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.progress.waitSeconds',
      Next: 'SweepPage',
    });
    expect(shard.LastPace).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.progress.waitSeconds',
      Next: 'ShardSwept',
    });
  });

  it('reports a stopped sweep to operators and fails the execution', () => {
    expect(map?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.stopped', Next: 'SweepStopped' },
    ]);
    expect(definition.States.SweepStopped?.Next).toBe('SweepFailed');
    expect(definition.States.SweepFailed?.Type).toBe('Fail');
  });

  it('never retries an error of ours that retrying cannot change, and names only errors that exist', () => {
    const named = [definition.States.StartSweep, shard.SweepPage].flatMap((state) =>
      (state?.Retry ?? []).flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals),
    );
    const ours = named.filter((e: string) => !e.includes('.'));

    expect(ours.filter((e: string) => !(e in ALL_ERROR_CLASSES))).toEqual([]);
    expect(shard.SweepPage?.Retry?.[0]).toMatchObject({
      ErrorEquals: expect.arrayContaining(['SweepFailing']),
      MaxAttempts: 0,
    });
    expect(definition.States.StartSweep?.Retry?.[0]).toMatchObject({
      ErrorEquals: expect.arrayContaining(['SweepNotDue']),
      MaxAttempts: 0,
    });
  });
});
