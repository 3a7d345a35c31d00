import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { approvalToken, cutover, EXECUTION, history, serve, sfn } from './aws.ts';

beforeEach(() => {
  sfn.reset();
});

describe('cutover approve and reject', () => {
  it("approve sends go with the waiting task's token and says the freeze starts next", async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);
    sfn.on(SendTaskSuccessCommand).resolves({});

    // Act
    const { code, stdout } = await cutover(['approve', EXECUTION, '--by', 'a.jones'], { now: fixture.now });

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, {
      taskToken: approvalToken(fixture),
      output: JSON.stringify({ approved: true, by: 'a.jones' }),
    });
    expect(stdout).toContain('It goes on to RestrictWrites: writes freeze now.');
    expect(stdout).toContain(`Next: cutover status ${EXECUTION} --watch`);
  });

  it('reject sends ApprovalRejected with the reason and who said no', async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);
    sfn.on(SendTaskFailureCommand).resolves({});

    // Act
    const { code, stdout } = await cutover(['reject', EXECUTION, '--reason', 'Reval team not ready'], {
      now: fixture.now,
    });

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: approvalToken(fixture),
      error: 'ApprovalRejected',
      cause: 'Reval team not ready (rejected by j.smith)',
    });
    expect(stdout).toContain('ends ROLLED_BACK');
  });

  it.each([
    ['running', 'it is RUNNING in SwitchServices (for 00:00:16). Its go/no-go has been answered already.'],
    ['succeeded', 'it has ended: SUCCEEDED.'],
  ])('refuses when the execution is not waiting for approval (%s), saying where it is, exit 4', async (name, where) => {
    // Arrange
    const fixture = history(name);
    serve(fixture);

    // Act
    const { code, stderr } = await cutover(['approve', EXECUTION], { now: fixture.now });

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(`${EXECUTION} is not waiting for approval: ${where}`);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('says the approval is no longer waiting when it timed out meanwhile, exit 4', async () => {
    // Arrange
    const fixture = history('waiting-approval');
    serve(fixture);
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    // Act
    const { code, stderr } = await cutover(['approve', EXECUTION], { now: fixture.now });

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(
      'The approval task is no longer waiting: it was answered, timed out, or the execution ended',
    );
  });
});
