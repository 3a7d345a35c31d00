import { describe, expect, it } from 'vitest';
import { difference, sameState } from '../../src/resources/resource.ts';

describe('difference', () => {
  it('keeps of two objects only the keys that differ, deeply', () => {
    // Arrange
    const before = { variables: { LOG_LEVEL: 'INFO', USER_POOL_ID: 'old' }, revision: 1 };
    const after = { variables: { LOG_LEVEL: 'INFO', USER_POOL_ID: 'new' }, revision: 1 };

    // Act
    const changed = difference(before, after);

    // Assert
    expect(changed).toEqual({
      before: { variables: { USER_POOL_ID: 'old' } },
      after: { variables: { USER_POOL_ID: 'new' } },
    });
  });

  it('shows a key that comes or goes on its side only', () => {
    expect(difference({ ttl: 300, values: ['a'] }, { alias: 'x' })).toEqual({
      before: { ttl: 300, values: ['a'] },
      after: { alias: 'x' },
    });
  });

  it('takes arrays, values and a missing state whole', () => {
    expect(difference({ a: ['x', 'y'] }, { a: ['x'] })).toEqual({
      before: { a: ['x', 'y'] },
      after: { a: ['x'] },
    });
    expect(difference(null, { value: 'v' })).toEqual({ before: null, after: { value: 'v' } });
  });

  it('shows equal states whole, as a redeploy that changes no field is shown', () => {
    const service = { taskDefinition: 'usermanagement:7', desiredCount: 2 };
    expect(difference(service, { ...service })).toEqual({ before: service, after: service });
    expect(sameState({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  });
});
