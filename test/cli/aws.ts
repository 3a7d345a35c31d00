import { readFileSync } from 'node:fs';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../src/cli/program.ts';

export const REGION = 'eu-west-2';
export const ACCOUNT = '123456789012';
export const CUTOVER_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:cognito-cutover-prod-cutover`;
export const ROLLBACK_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:cognito-cutover-prod-rollback`;
export const EXECUTION = `arn:aws:states:${REGION}:${ACCOUNT}:execution:cognito-cutover-prod-cutover:tis-prod-pool-v1-to-v2-20250310T073000Z`;
/** The time the fixtures' executions start; commands run "now" unless a test says otherwise. */
export const START = new Date('2025-03-10T07:30:00.000Z');

/** One mock for every Step Functions client the CLI builds, whatever its region. */
export const sfn = mockClient(SFNClient);

/** What GetExecutionHistory and DescribeExecution answered for one execution (test/fixtures/history). */
export interface Fixture {
  execution: DescribeExecutionOutput;
  events: HistoryEvent[];
  /** The other executions it refers to (the rollback the EventBridge rule started). */
  executions: DescribeExecutionOutput[];
  /** When a running fixture is looked at. */
  now: Date;
}

const DATES = new Set(['timestamp', 'startDate', 'stopDate']);

/** Reads a fixture with its dates as the SDK deserialises them: Date objects. */
export function history(name: string): Fixture {
  const text = readFileSync(new URL(`../fixtures/history/${name}.json`, import.meta.url), 'utf8');
  const fixture = JSON.parse(text, (key, value) =>
    DATES.has(key) && typeof value === 'string' ? new Date(value) : value,
  );
  return {
    ...fixture,
    now: new Date(fixture.now ?? fixture.execution.stopDate ?? fixture.execution.startDate),
  };
}

/** The task token Step Functions put in the approval task's Parameters. */
export function approvalToken(fixture: Fixture): string {
  const scheduled = fixture.events.find((e) => e.type === 'TaskScheduled');
  return JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}').Payload.taskToken;
}

/** Answers for one execution: its description and its history, in two pages as AWS pages it. */
export function serve(fixture: Fixture): void {
  const arn = fixture.execution.executionArn;
  const half = Math.ceil(fixture.events.length / 2);
  sfn.on(DescribeExecutionCommand, { executionArn: arn }).resolves(fixture.execution);
  sfn
    .on(GetExecutionHistoryCommand, { executionArn: arn })
    .resolves({ events: fixture.events.slice(0, half), nextToken: 'page-2' });
  sfn
    .on(GetExecutionHistoryCommand, { executionArn: arn, nextToken: 'page-2' })
    .resolves({ events: fixture.events.slice(half) });
}

/** The stage's two machines, as ListStateMachines lists them among others. */
export function deployed(): void {
  sfn.on(ListStateMachinesCommand).resolves({
    stateMachines: [
      {
        name: 'someone-elses-machine',
        stateMachineArn: `${CUTOVER_MACHINE}x`,
        type: 'STANDARD',
        creationDate: START,
      },
      {
        name: 'cognito-cutover-prod-cutover',
        stateMachineArn: CUTOVER_MACHINE,
        type: 'STANDARD',
        creationDate: START,
      },
      {
        name: 'cognito-cutover-prod-rollback',
        stateMachineArn: ROLLBACK_MACHINE,
        type: 'STANDARD',
        creationDate: START,
      },
    ],
  });
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  sleeps: number[];
}

/** Runs `cutover` in process, as an operator on `now` with `env` (no region unless given). */
export async function cutover(
  argv: string[],
  options: { now?: Date; env?: Record<string, string>; answer?: string } = {},
): Promise<Run> {
  const result: Run = { code: -1, stdout: '', stderr: '', sleeps: [] };
  result.code = await run(argv, {
    out: (text) => {
      result.stdout += text;
    },
    err: (text) => {
      result.stderr += text;
    },
    env: options.env ?? { USER: 'j.smith' },
    now: () => options.now ?? START,
    sleep: async (ms) => {
      result.sleeps.push(ms);
    },
    // With an answer, an operator at a terminal who types it when asked.
    interactive: options.answer !== undefined,
    ...(options.answer !== undefined ? { ask: async () => options.answer ?? '' } : {}),
  });
  return result;
}
