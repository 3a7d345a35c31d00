import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  type ExecutionListItem,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import * as aws from '../aws/aws.ts';
import type { MachineKind } from '../statemachines/definition.ts';
import { CommandFailed, EXIT, UsageError } from './exit.ts';

/** serverless.yml's `service`: the machines are `${self:service}-${sls:stage}-cutover` and `-rollback`. */
export const SERVICE = 'cognito-cutover';
export type { MachineKind } from '../statemachines/definition.ts';

export function machineName(stage: string, kind: MachineKind): string {
  return `${SERVICE}-${stage}-${kind}`;
}

export function checkStage(stage: string): string {
  if (!/^[a-zA-Z0-9-]+$/.test(stage))
    throw new UsageError(
      `"${stage}" is not a stage name: use the --stage the stack was deployed with, e.g. prod.`,
    );
  return stage;
}

/** `--region`, else AWS_REGION, else AWS_DEFAULT_REGION (which the JavaScript SDK does not read itself). */
export function resolveRegion(flag: string | undefined, env: Readonly<Record<string, string | undefined>>) {
  const region = flag || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError(
      'No AWS region: pass --region (e.g. --region eu-west-2), or set AWS_REGION or AWS_DEFAULT_REGION to the region the stack is deployed in.',
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw new UsageError(`"${region}" is not an AWS region name such as eu-west-2.`);
  return region;
}

/** What an execution ARN says: where it runs, and which of this tool's machines (and stage) it belongs to. */
export interface ExecutionRef {
  arn: string;
  partition: string;
  region: string;
  account: string;
  machineName: string;
  name: string;
  stage: string;
  kind: MachineKind;
}

const EXECUTION_ARN = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

export function parseExecutionArn(arn: string): ExecutionRef {
  const match = EXECUTION_ARN.exec(arn);
  if (!match) {
    throw new UsageError(
      `"${arn}" is not an execution ARN. Give one like arn:aws:states:eu-west-2:123456789012:execution:${SERVICE}-prod-cutover:NAME, as \`cutover start\` prints it, or use --stage STAGE for the newest execution.`,
    );
  }
  const [, partition = '', region = '', account = '', machine = '', name = ''] = match;
  const ours = new RegExp(`^${SERVICE}-(.+)-(cutover|rollback)$`).exec(machine);
  if (!ours) {
    throw new UsageError(
      `${arn} is an execution of ${machine}, not of a ${SERVICE} state machine (${SERVICE}-STAGE-cutover or -rollback).`,
    );
  }
  return {
    arn,
    partition,
    region,
    account,
    machineName: machine,
    name,
    stage: ours[1] ?? '',
    kind: ours[2] as MachineKind,
  };
}

/** The ARN of the stage's other machine, in the same account and region as an execution of one. */
export function machineArnBeside(ref: ExecutionRef, kind: MachineKind): string {
  return `arn:${ref.partition}:states:${ref.region}:${ref.account}:stateMachine:${machineName(ref.stage, kind)}`;
}

export function consoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** `<prefix>-<UTC yyyymmddThhmmssZ>`, the prefix cut so the name keeps Step Functions' 80-character limit. */
export function executionName(prefix: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${prefix.slice(0, 80 - stamp.length - 1)}-${stamp}`;
}

export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The migration an execution works on, from its input: a plan, a `{ dryRunOf }`, the schedule's
 * `{ dryRunOfStagePlan }`, an
 * operator's `{ migrationId, region }`, or the EventBridge rule's `{ cutoverEvent }`.
 */
export function migrationOf(input: unknown): { migrationId: string | null; dryRun: boolean } {
  if (!isObject(input)) return { migrationId: null, dryRun: false };
  // The schedule names the stage's plan; its migration is in ValidatePlan's output, not the input.
  if ('dryRunOfStagePlan' in input) return { migrationId: null, dryRun: true };
  if ('dryRunOf' in input) {
    const plan = input.dryRunOf;
    return { migrationId: isObject(plan) ? String(plan.migrationId ?? '') || null : null, dryRun: true };
  }
  const event = input.cutoverEvent;
  if (isObject(event) && isObject(event.detail)) {
    const plan = parseJson(String(event.detail.input ?? ''));
    return { migrationId: isObject(plan) ? String(plan.migrationId ?? '') || null : null, dryRun: false };
  }
  return {
    migrationId: typeof input.migrationId === 'string' ? input.migrationId : null,
    dryRun: input.dryRun === true,
  };
}

// ---- calls, each failure turned into what to do next ------------------------------------------

export interface Call {
  /** What the call does, for messages: "starting the cutover". */
  what: string;
  /** The IAM action, for AccessDenied: `states:StartExecution`. */
  action: string;
  /** The ARN the action is on. */
  resource: string;
  region: string;
  /** Messages for SDK error names this call expects, in place of the generic ones. */
  hints?: Record<string, string>;
  /** The service called, for messages (default: Step Functions). */
  service?: string;
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

export function explain(error: unknown, call: Call): CommandFailed {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  // A step's own call (e.g. the ledger's) names the failure; the network's code is on its cause.
  const code =
    (error as { code?: unknown } | undefined)?.code ??
    (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const service = call.service ?? 'Step Functions';
  const fail = (text: string) => new CommandFailed(text, EXIT.OTHER, { cause: error });
  const hint = call.hints?.[name];
  if (hint) return fail(`${hint} (${name}: ${message})`);
  switch (name) {
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnauthorizedOperation':
      return fail(
        `AWS refused ${call.what}: you may not call ${call.action} on ${call.resource}. Grant ${call.action} on that ARN to the role or user you run as (or use one that has it), then run again. (${message})`,
      );
    case 'CredentialsProviderError':
      return fail(
        'No AWS credentials found. Sign in (e.g. `aws sso login --profile NAME`, then export AWS_PROFILE=NAME), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run again.',
      );
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'RequestExpired':
      return fail('Your AWS credentials have expired: refresh them (e.g. `aws sso login`), then run again.');
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
      return fail(
        `AWS does not accept your credentials (${name}): check AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, then run again.`,
      );
    case 'ExecutionDoesNotExist':
      return fail(
        `There is no execution ${call.resource} in ${call.region}: check the ARN (\`cutover start\` prints it; \`cutover status --stage STAGE\` finds the newest) and the account your credentials are for.`,
      );
    case 'StateMachineDoesNotExist':
      return fail(
        `There is no state machine ${call.resource} in ${call.region}: deploy the stack (npx serverless deploy --stage STAGE --region ${call.region}), or pass the --stage and --region it was deployed with.`,
      );
    case 'InvalidArn':
      return fail(`${call.resource} is not an ARN Step Functions accepts: ${message}`);
    case 'ExecutionLimitExceeded':
      return fail(
        `Step Functions' limit of running executions in ${call.region} is reached: wait for some to end, then run again.`,
      );
    case 'ThrottlingException':
      return fail(`${service} throttled the call: wait a few seconds, then run again.`);
    case 'TimeoutError':
      return fail(`${service} did not answer ${call.what} in time: check your network, then run again.`);
  }
  if (typeof code === 'string' && NETWORK.has(code)) {
    return fail(
      `Cannot reach ${service} in ${call.region} (${code}): check your network${process.env.AWS_ENDPOINT_URL ? ` and AWS_ENDPOINT_URL (${process.env.AWS_ENDPOINT_URL})` : ''}, then run again.`,
    );
  }
  return fail(`${call.what} failed: ${name}: ${message}`);
}

/** Runs one AWS call of a command, turning its failure into a message that says what to do. */
export async function attempt<T>(call: Call, pending: () => Promise<T>): Promise<T> {
  try {
    return await pending();
  } catch (error) {
    throw explain(error, call);
  }
}

/** The ARN of the stage's cutover or rollback machine, or a message saying the stage is not deployed here. */
export async function findMachine(region: string, stage: string, kind: MachineKind): Promise<string> {
  const name = machineName(stage, kind);
  let nextToken: string | undefined;
  do {
    const page = await attempt(
      { what: 'listing state machines', action: 'states:ListStateMachines', resource: '*', region },
      () => aws.sfn(region).send(new ListStateMachinesCommand({ ...(nextToken ? { nextToken } : {}) })),
    );
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new CommandFailed(
    `There is no state machine ${name} in ${region}: stage "${stage}" is not deployed there. Deploy it (npx serverless deploy --stage ${stage} --region ${region}), or pass the --stage and --region it was deployed with.`,
  );
}

/** Newest first, as Step Functions lists them; at most `max`. */
export async function listExecutions(
  region: string,
  stateMachineArn: string,
  options: { status?: ExecutionStatus; max?: number } = {},
): Promise<ExecutionListItem[]> {
  const max = options.max ?? 1000;
  const found: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await attempt(
      {
        what: `listing the executions of ${stateMachineArn}`,
        action: 'states:ListExecutions',
        resource: stateMachineArn,
        region,
      },
      () =>
        aws.sfn(region).send(
          new ListExecutionsCommand({
            stateMachineArn,
            maxResults: Math.min(max - found.length, 100),
            ...(options.status ? { statusFilter: options.status } : {}),
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
    );
    found.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken && found.length < max);
  return found;
}

export function describeExecution(executionArn: string): Promise<DescribeExecutionOutput> {
  const { region } = parseExecutionArn(executionArn);
  return attempt(
    {
      what: `reading execution ${executionArn}`,
      action: 'states:DescribeExecution',
      resource: executionArn,
      region,
    },
    () => aws.sfn(region).send(new DescribeExecutionCommand({ executionArn })),
  );
}

/** Every event of the execution, oldest first. */
export async function executionHistory(executionArn: string): Promise<HistoryEvent[]> {
  const { region } = parseExecutionArn(executionArn);
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await attempt(
      {
        what: `reading the history of ${executionArn}`,
        action: 'states:GetExecutionHistory',
        resource: executionArn,
        region,
      },
      () =>
        aws.sfn(region).send(
          new GetExecutionHistoryCommand({
            executionArn,
            maxResults: 1000,
            includeExecutionData: true,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** A running execution of the same migration, found by reading each running execution's input. */
export interface RunningExecution {
  executionArn: string;
  name: string;
  startDate: Date | undefined;
}

export async function runningFor(
  region: string,
  stateMachineArn: string,
  migrationId: string,
): Promise<RunningExecution[]> {
  const running = await listExecutions(region, stateMachineArn, { status: 'RUNNING' });
  const same: RunningExecution[] = [];
  for (const item of running) {
    if (!item.executionArn) continue;
    const execution = await describeExecution(item.executionArn);
    const of = migrationOf(parseJson(execution.input));
    // A dry-run takes no lock and changes nothing: it may run beside a cutover.
    if (of.migrationId === migrationId && !of.dryRun) {
      same.push({ executionArn: item.executionArn, name: item.name ?? '', startDate: item.startDate });
    }
  }
  return same;
}

export async function startExecution(
  region: string,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<{ executionArn: string; startDate: Date | undefined }> {
  const out = await attempt(
    {
      what: `starting an execution of ${stateMachineArn}`,
      action: 'states:StartExecution',
      resource: stateMachineArn,
      region,
      hints: {
        ExecutionAlreadyExists: `An execution named ${name} already exists: names carry the time to the second, so wait a second and run again`,
        InvalidExecutionInput:
          'Step Functions refused the input (it must be JSON under 256 KB): shorten the plan',
      },
    },
    () =>
      aws
        .sfn(region)
        .send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })),
  );
  return { executionArn: out.executionArn ?? '', startDate: out.startDate };
}

export async function stopExecution(executionArn: string, error: string, cause: string): Promise<void> {
  const { region } = parseExecutionArn(executionArn);
  await attempt(
    { what: `stopping ${executionArn}`, action: 'states:StopExecution', resource: executionArn, region },
    () => aws.sfn(region).send(new StopExecutionCommand({ executionArn, error, cause })),
  );
}

const GONE =
  'The approval task is no longer waiting: it was answered, timed out, or the execution ended. Run `cutover status EXECUTION` to see where it is';

export async function sendApproval(
  executionArn: string,
  taskToken: string,
  answer: { approved: true; by: string } | { approved: false; error: string; cause: string },
): Promise<void> {
  const ref = parseExecutionArn(executionArn);
  const { region } = ref;
  const call = (action: string): Call => ({
    what: `answering the approval of ${executionArn}`,
    action,
    // A task token names no execution to authorise on: IAM checks the machine (or a policy's "*").
    resource: `${machineArnBeside(ref, ref.kind)} (or "*")`,
    region,
    hints: { TaskDoesNotExist: GONE, TaskTimedOut: GONE, InvalidToken: GONE },
  });
  if (answer.approved) {
    await attempt(call('states:SendTaskSuccess'), () =>
      aws.sfn(region).send(
        new SendTaskSuccessCommand({
          taskToken,
          output: JSON.stringify({ approved: true, by: answer.by }),
        }),
      ),
    );
  } else {
    await attempt(call('states:SendTaskFailure'), () =>
      aws
        .sfn(region)
        .send(new SendTaskFailureCommand({ taskToken, error: answer.error, cause: answer.cause })),
    );
  }
}
