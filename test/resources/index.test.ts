import { describe, expect, it } from 'vitest';
import { LedgerConflict } from '../../src/errors.ts';
import { resourceFor, resources } from '../../src/resources/index.ts';

describe('resourceFor', () => {
  it.each(Object.entries(resources))('finds %s under its own kind', (kind, resource) => {
    expect(resourceFor(kind)).toBe(resource);
    expect(resource.kind).toBe(kind);
  });

  it.each(['dynamodb-item', 'toString'])('raises LedgerConflict naming the unknown kind %s', (kind) => {
    expect(() => resourceFor(kind)).toThrow(LedgerConflict);
    expect(() => resourceFor(kind)).toThrow(`kind ${kind}`);
  });

  it('marks only the ECS redeploy as an action', () => {
    const actions = Object.values(resources).filter((r) => 'action' in r && r.action);

    expect(actions.map((r) => r.kind)).toEqual(['ecs-service']);
  });
});
