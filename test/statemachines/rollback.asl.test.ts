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
});
