import { describe, expect, it } from 'vitest';
import { ALL_ERROR_CLASSES, NON_RETRYABLE, RETRYABLE, SWEEP_ERRORS, TRIGGER_ERRORS } from '../src/errors.ts';

describe('errors', () => {
  it.each(
    Object.entries(ALL_ERROR_CLASSES),
  )('%s carries its ErrorEquals name and its cause', (name, ErrorClass) => {
    // Arrange
    const cause = new Error('underlying');

    // Act
    const error =
      name === 'PlanInvalid'
        ? new ALL_ERROR_CLASSES.PlanInvalid([{ path: 'dns', message: 'required' }])
        : name === 'PreflightFailed'
          ? new ALL_ERROR_CLASSES.PreflightFailed(['x'])
          : new (ErrorClass as new (m: string, o: object) => Error)('message', { cause });

    // Assert
    expect(error.name).toBe(name);
    expect(error.name.startsWith('States.')).toBe(false);
    expect(error).toBeInstanceOf(Error);
    if (name !== 'PlanInvalid' && name !== 'PreflightFailed') expect(error.cause).toBe(cause);
  });

  it('classifies every error exactly once as retryable or not', () => {
    const classified = [...NON_RETRYABLE, ...RETRYABLE, ...TRIGGER_ERRORS, ...SWEEP_ERRORS];

    expect(new Set(classified).size).toBe(classified.length);
    expect([...classified].sort()).toEqual(Object.keys(ALL_ERROR_CLASSES).sort());
  });
});
