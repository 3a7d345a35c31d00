import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { NON_RETRYABLE, RETRYABLE } from '../../src/errors.ts';
import { forwardPath, loadMachine } from '../../src/statemachines/definition.ts';

describe('statemachines/cutover.asl.yml', () => {
  const { definition, functionOf, handlers } = loadMachine('cutover');

  it('is valid Amazon States Language', () => {
    // Arrange / Act
    const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });

    // Assert
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('invokes only functions that serverless.yml defines, each with a handler file', () => {
    const invoked = new Set(Object.values(functionOf));

    expect([...invoked].every((fn) => handlers[fn] !== undefined)).toBe(true);
    expect(invoked.size).toBe(17);
  });

  it('rolls back through the rollback state machine, waiting for it to finish', () => {
    expect(definition.States.Rollback).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: { Ref: 'RollbackStateMachine' } },
      Next: 'RolledBack',
    });
    expect(definition.States.Rollback?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: 'RollbackIncomplete' },
    ]);
  });

  it('rolls back from every Task on the forward path, whatever the error', () => {
    const tasks = forwardPath(definition).filter((name) => definition.States[name]?.Type === 'Task');

    for (const name of tasks) {
      const catchers = definition.States[name]?.Catch as { ErrorEquals: string[]; Next: string }[];
      // Before the lock is taken nothing can have changed, so ValidatePlan fails straight to RolledBack.
      const next = name === 'ValidatePlan' ? 'RolledBack' : 'Rollback';
      expect(catchers.at(-1), name).toMatchObject({ ErrorEquals: ['States.ALL'], Next: next });
    }
  });

  it('never retries the errors retrying cannot fix, and retries throttling with jitter', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task' && s.Retry);

    for (const [name, state] of tasks) {
      const [first, second] = state.Retry as {
        ErrorEquals: string[];
        MaxAttempts: number;
        JitterStrategy?: string;
      }[];
      if (name === 'Rollback') continue;
      if (name === 'AwaitApproval') {
        expect(first, name).toEqual({ ErrorEquals: ['ApprovalRejected', 'States.Timeout'], MaxAttempts: 0 });
        continue;
      }
      expect(first, name).toMatchObject({ ErrorEquals: [...NON_RETRYABLE], MaxAttempts: 0 });
      expect(second?.ErrorEquals, name).toEqual(expect.arrayContaining([...RETRYABLE]));
      expect(second?.JitterStrategy, name).toBe('FULL');
    }
  });

  it('waits in Wait states: the DNS, service and health loops never wait inside a Lambda', () => {
    const waits = Object.entries(definition.States)
      .filter(([, s]) => s.Type === 'Wait')
      .map(([n]) => n);

    expect(waits).toEqual(
      expect.arrayContaining([
        'AwaitTtlSync',
        'DrainOldTtl',
        'AwaitDnsSync',
        'WaitCutoverTtl',
        'AwaitServices',
        'HealthInterval',
      ]),
    );
  });

  it('takes the freeze only after the TTL is drained, and lifts it before success', () => {
    const path = forwardPath(definition);

    expect(path.indexOf('DrainOldTtl')).toBeLessThan(path.indexOf('RestrictWrites'));
    expect(path.indexOf('RestrictWrites')).toBeLessThan(path.indexOf('SwitchDns'));
    expect(path.indexOf('ReleaseWrites')).toBeLessThan(path.indexOf('Switched'));
  });
});
