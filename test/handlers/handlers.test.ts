import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const names = readdirSync(new URL('../../handlers/', import.meta.url)).map((f) => f.replace(/\.ts$/, ''));

beforeAll(() => {
  process.env.LEDGER_TABLE = 'cognito-cutover-test-ledger';
});

describe('handlers', () => {
  it.each(
    names,
  )('%s rejects a malformed event with a named error the state machine can catch', async (name) => {
    // Arrange
    const { handler } = (await import(`../../handlers/${name}.ts`)) as {
      handler: (e: unknown) => Promise<unknown>;
    };

    // Act
    const outcome = handler({ plan: { migrationId: 42 } }).then(
      () => 'accepted',
      (error: Error) => error.name,
    );

    // Assert
    expect(await outcome).toBe('PlanInvalid');
  });

  it('rollback after a failed ValidatePlan reports that nothing was changed', async () => {
    const { handler } = await import('../../handlers/rollback.ts');

    const result = await handler({ input: { migrationId: 42 }, executionId: 'exec-1', failure: {} });

    expect(result).toMatchObject({
      complete: true,
      hasPlan: false,
      restored: [],
      note: 'No valid plan: nothing was changed.',
    });
  });
});
