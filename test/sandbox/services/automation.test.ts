import {
  GetAutomationExecutionCommand,
  InvalidAutomationSignalException,
  InvalidAutomationStatusUpdateException,
  StopAutomationExecutionCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_STEP_TIMEOUT_SECONDS, approvalDocumentName } from '../../../src/approval/document.ts';
import { signalApproval } from '../../../src/approval/signal.ts';
import { startApproval } from '../../../src/approval/start.ts';
import { cancelApproval, waitingApproval } from '../../../src/approval/waiting.ts';
import * as aws from '../../../src/aws/aws.ts';
import { parsePlan } from '../../../src/plan/schema.ts';
import { Sandbox } from '../../../src/sandbox/index.ts';
import { REHEARSAL_STAGE } from '../../../src/sandbox/world.ts';
import { example } from '../../fixtures/plans.ts';

const plan = parsePlan(example);
const DOCUMENT = approvalDocumentName('cognito-cutover', REHEARSAL_STAGE);
const EXECUTION = 'arn:aws:states:eu-west-2:111122223333:execution:cognito-cutover-cutover:run-1';
const LEAD = 'arn:aws:iam::111122223333:role/release-manager';
const SRE = 'arn:aws:iam::111122223333:user/sre-lead';
const TOKEN = 'token-1';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = Sandbox.fromPlan(plan).install();
  sandbox.world.tasks.set(TOKEN, { status: 'waiting' });
});
afterEach(() => sandbox.uninstall());

const start = (changes: { approvers?: string[]; minApprovals?: number; message?: string } = {}) =>
  startApproval({
    region: plan.region,
    document: DOCUMENT,
    roleArn: 'arn:aws:iam::111122223333:role/approval',
    executionArn: EXECUTION,
    taskToken: TOKEN,
    approvers: changes.approvers ?? [LEAD, SRE],
    minApprovals: changes.minApprovals ?? 2,
    message: changes.message ?? 'Freeze writes and switch?',
  });
const answer = (who: string, id: string, signal: 'Approve' | 'Reject') =>
  sandbox.as(who, () => signalApproval(plan.region, id, signal, 'comment'));
const status = async (id: string) =>
  (await aws.ssm(plan.region).send(new GetAutomationExecutionCommand({ AutomationExecutionId: id })))
    .AutomationExecution?.AutomationExecutionStatus;
const task = () => sandbox.world.tasks.get(TOKEN);

describe("the sandbox's Systems Manager approval (aws:approve, then aws:executeAwsApi)", () => {
  it('waits until the quorum has approved, then answers the task token with go', async () => {
    // Arrange
    const id = await start();

    // Act
    await answer(LEAD, id, 'Approve');
    const afterOne = { status: await status(id), task: task()?.status };
    await answer(SRE, id, 'Approve');

    // Assert
    expect(afterOne).toEqual({ status: 'Waiting', task: 'waiting' });
    expect(await status(id)).toBe('Success');
    expect(task()).toMatchObject({
      status: 'succeeded',
      output: `{"approved":true,"automationExecutionId":"${id}"}`,
    });
  });

  it('takes one no-go as the answer: the runbook sends ApprovalRejected', async () => {
    // Arrange
    const id = await start();
    await answer(LEAD, id, 'Approve');

    // Act
    await answer(SRE, id, 'Reject');

    // Assert
    expect(await status(id)).toBe('Success');
    expect(task()).toMatchObject({ status: 'failed', error: 'ApprovalRejected' });
  });

  it('refuses an answer from someone the plan does not name, and a second answer from the same approver', async () => {
    // Arrange
    const id = await start();
    await answer(LEAD, id, 'Approve');

    // Act
    const stranger = answer('arn:aws:iam::111122223333:role/someone-else', id, 'Approve');
    const twice = answer(LEAD, id, 'Approve');

    // Assert
    await expect(stranger).rejects.toMatchObject({ cause: expect.any(InvalidAutomationSignalException) });
    await expect(twice).rejects.toThrow(/already answered/);
    expect(task()?.status).toBe('waiting');
  });

  it('lets an approver who signed in to their role (an assumed-role session) answer as that role', async () => {
    // Arrange
    const id = await start({ minApprovals: 1 });

    // Act
    await answer('arn:aws:sts::111122223333:assumed-role/release-manager/a.jones', id, 'Approve');

    // Assert
    expect(task()?.status).toBe('succeeded');
  });

  it.each([
    ['more approvals than approvers', { approvers: [LEAD], minApprovals: 2 }, /MinRequiredApprovals 2/],
    ['a message over 4096 characters', { message: 'x'.repeat(4097) }, /at most 4096/],
  ])('fails the approval step on %s, which the runbook turns into a no-go', async (_, changes, why) => {
    // Act
    const id = await start(changes);

    // Assert
    const steps = (
      await aws.ssm(plan.region).send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))
    ).AutomationExecution?.StepExecutions;
    expect(steps?.[0]).toMatchObject({
      StepName: 'approve',
      StepStatus: 'Failed',
      FailureMessage: expect.stringMatching(why),
    });
    expect(task()?.status).toBe('failed');
  });

  it('ends TimedOut past the step timeout, with nobody answered', async () => {
    // Arrange
    const id = await start();

    // Act
    sandbox.clock.advance(APPROVE_STEP_TIMEOUT_SECONDS);

    // Assert
    expect(await status(id)).toBe('TimedOut');
    expect(task()?.status).toBe('waiting');
  });

  it("still waits when the longest go/no-go a plan allows has run out, so the cutover's own timeout ends it", async () => {
    // Arrange
    const id = await start();

    // Act
    sandbox.clock.advance(86_400);

    // Assert
    expect(await status(id)).toBe('Waiting');
  });

  it('fails when its answer reaches a cutover that stopped waiting (TaskTimedOut)', async () => {
    // Arrange
    const id = await start({ minApprovals: 1 });
    const waiting = task();
    if (waiting) waiting.status = 'timedOut';

    // Act
    await answer(LEAD, id, 'Approve');

    // Assert
    expect(await status(id)).toBe('Failed');
  });

  it('is found by the execution it asks for, cancelled by the rollback, and cannot be stopped twice', async () => {
    // Arrange
    const id = await start();

    // Act
    const found = await waitingApproval(plan.region, DOCUMENT, EXECUTION);
    const cancelled = await cancelApproval(plan.region, DOCUMENT, EXECUTION);
    const again = aws
      .ssm(plan.region)
      .send(new StopAutomationExecutionCommand({ AutomationExecutionId: id }));

    // Assert
    expect(found).toMatchObject({ automationExecutionId: id, approvers: [LEAD, SRE], minApprovals: 2 });
    expect(cancelled).toBe(id);
    expect(await status(id)).toBe('Cancelled');
    await expect(again).rejects.toBeInstanceOf(InvalidAutomationStatusUpdateException);
    expect(await waitingApproval(plan.region, DOCUMENT, EXECUTION)).toBeUndefined();
  });
});
