import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { edited, example } from '../fixtures/plans.ts';
import { CUTOVER_MACHINE, cutover, deployed, EXECUTION, REGION, START, sfn } from './aws.ts';
import { planFile } from './run.ts';

const RUNNING = `${CUTOVER_MACHINE.replace(':stateMachine:', ':execution:')}:tis-prod-pool-v1-to-v2-20250310T061500Z`;
const START_EXAMPLE = [
  'start',
  '--yes',
  '--plan',
  'examples/plan.json',
  '--stage',
  'prod',
  '--region',
  REGION,
];
const DRY_RUN = `${CUTOVER_MACHINE.replace(':stateMachine:', ':execution:')}:weekly-dry-run`;

beforeEach(() => {
  sfn.reset();
});

describe('cutover start', () => {
  it('names every bad field of an invalid plan, exits 2 and starts nothing', async () => {
    // Arrange
    deployed();
    const file = planFile(edited((p) => delete p.dns.hostedZoneId));

    // Act
    const { code, stderr } = await cutover([
      'start',
      '--yes',
      '--plan',
      file,
      '--stage',
      'prod',
      '--region',
      REGION,
    ]);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: dns.hostedZoneId: required`);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('refuses a second cutover of the same migration, exit 6, naming the running one and how to watch or abort it', async () => {
    // Arrange: a scheduled dry-run of the same plan runs too; it takes no lock and must not count.
    deployed();
    sfn.on(ListExecutionsCommand, { stateMachineArn: CUTOVER_MACHINE, statusFilter: 'RUNNING' }).resolves({
      executions: [
        {
          executionArn: DRY_RUN,
          stateMachineArn: CUTOVER_MACHINE,
          name: 'weekly-dry-run',
          status: 'RUNNING',
          startDate: START,
        },
        {
          executionArn: RUNNING,
          stateMachineArn: CUTOVER_MACHINE,
          name: 'x',
          status: 'RUNNING',
          startDate: new Date('2025-03-10T06:15:00Z'),
        },
      ],
    });
    sfn
      .on(DescribeExecutionCommand, { executionArn: DRY_RUN })
      .resolves({ executionArn: DRY_RUN, status: 'RUNNING', input: JSON.stringify({ dryRunOf: example }) });
    sfn
      .on(DescribeExecutionCommand, { executionArn: RUNNING })
      .resolves({ executionArn: RUNNING, status: 'RUNNING', input: JSON.stringify(example) });

    // Act
    const { code, stderr } = await cutover(START_EXAMPLE);

    // Assert
    expect(code).toBe(6);
    expect(stderr).toContain(
      `A cutover of tis-prod-pool-v1-to-v2 is already running: ${RUNNING} (started 2025-03-10T06:15:00Z)`,
    );
    expect(stderr).toContain(`Watch it: cutover status ${RUNNING} --watch`);
    expect(stderr).toContain(`Abort it: cutover abort ${RUNNING}`);
    expect(stderr).not.toContain(DRY_RUN);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it("starts the stage's cutover machine with the plan, named by migration and time, and says where to watch it", async () => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: START });

    // Act
    const { code, stdout } = await cutover(
      ['start', '--yes', '--plan', 'examples/plan.json', '--stage', 'prod'],
      {
        env: { AWS_DEFAULT_REGION: REGION },
      },
    );

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: CUTOVER_MACHINE,
      name: 'tis-prod-pool-v1-to-v2-20250310T073000Z',
      input: JSON.stringify(example),
    });
    expect(stdout).toContain(`Execution  ${EXECUTION}`);
    expect(stdout).toContain(
      `Console    https://${REGION}.console.aws.amazon.com/states/home?region=${REGION}#/v2/executions/details/${EXECUTION}`,
    );
    expect(stdout).toContain(`Next: cutover status ${EXECUTION} --watch`);
  });

  it.each([
    ['a terminal', { answer: 'yes' }, 0, 1],
    ['a terminal, answered no', { answer: 'no' }, 4, 0],
    ['no terminal and no --yes', {}, 2, 0],
  ])('shows what it will do and asks first: %s', async (_, terminal, exit, started) => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: START });

    // Act
    const { code, stderr } = await cutover(
      ['start', '--plan', 'examples/plan.json', '--stage', 'prod', '--region', REGION],
      terminal,
    );

    // Assert
    expect(code).toBe(exit);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(started);
    if ('answer' in terminal) {
      expect(stderr).toContain(
        'This starts the cutover of tis-prod-pool-v1-to-v2 on cognito-cutover-prod-cutover',
      );
      expect(stderr).toContain(
        '  - point admin.tis.example.org A d222oldadmin.cloudfront.net → d111abcdef8.cloudfront.net',
      );
    } else {
      expect(stderr).toContain('there is no terminal to ask: add --yes to confirm from a script');
    }
  });

  it('asks AcquireLock to take a stale lock over by naming its holder in the input', async () => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: START });

    // Act
    const { code } = await cutover([...START_EXAMPLE, '--take-over-lock', RUNNING]);

    // Assert
    expect(code).toBe(0);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      input: JSON.stringify({ ...example, takeOverLockFrom: RUNNING }),
    });
  });

  it('refuses a take-over that names no execution ARN, exit 2, and starts nothing', async () => {
    // Arrange
    deployed();

    // Act
    const { code, stderr } = await cutover([...START_EXAMPLE, '--take-over-lock', 'yesterday']);

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('takeOverLockFrom: expected the ARN of the execution that holds the lock');
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('keeps an execution name within 80 characters for the longest migrationId', async () => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: START });
    const id = `m${'x'.repeat(79)}`;
    const file = planFile(
      edited((p) => {
        p.migrationId = id;
      }),
    );

    // Act
    await cutover(['start', '--yes', '--plan', file, '--stage', 'prod', '--region', REGION]);

    // Assert
    const name = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name ?? '';
    expect(name).toHaveLength(80);
    expect(name).toMatch(/^mx+-20250310T073000Z$/);
  });

  it('says the stage is not deployed in that region, and how to deploy it, exit 4', async () => {
    // Arrange
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });

    // Act
    const { code, stderr } = await cutover([
      'start',
      '--yes',
      '--plan',
      'examples/plan.json',
      '--stage',
      'prod',
      '--region',
      'us-east-1',
    ]);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(
      'There is no state machine cognito-cutover-prod-cutover in us-east-1: stage "prod" is not deployed there. Deploy it (npx serverless deploy --stage prod --region us-east-1)',
    );
  });

  it('names the permission and the ARN when AWS refuses, exit 4', async () => {
    // Arrange
    deployed();
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).rejects(
      Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/ops/j.smith is not authorized'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act
    const { code, stderr } = await cutover(START_EXAMPLE);

    // Assert
    expect(code).toBe(4);
    expect(stderr).toContain(
      `you may not call states:StartExecution on ${CUTOVER_MACHINE}. Grant states:StartExecution on that ARN`,
    );
  });

  it('asks for a region, naming both variables, when none is given, exit 2', async () => {
    // Act
    const { code, stderr } = await cutover(
      ['start', '--yes', '--plan', 'examples/plan.json', '--stage', 'prod'],
      {
        env: {},
      },
    );

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('pass --region');
    expect(stderr).toContain('AWS_REGION or AWS_DEFAULT_REGION');
    expect(sfn).not.toHaveReceivedCommand(ListStateMachinesCommand);
  });
});
