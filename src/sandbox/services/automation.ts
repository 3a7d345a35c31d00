import {
  type SendTaskFailureCommandOutput,
  type SendTaskSuccessCommandOutput,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  AutomationDefinitionNotFoundException,
  AutomationExecutionNotFoundException,
  type DescribeAutomationExecutionsCommandInput,
  type DescribeAutomationExecutionsCommandOutput,
  type GetAutomationExecutionCommandInput,
  type GetAutomationExecutionCommandOutput,
  InvalidAutomationExecutionParametersException,
  InvalidAutomationSignalException,
  InvalidAutomationStatusUpdateException,
  type SendAutomationSignalCommandInput,
  type SendAutomationSignalCommandOutput,
  type StartAutomationExecutionCommandInput,
  type StartAutomationExecutionCommandOutput,
  type StopAutomationExecutionCommandInput,
  type StopAutomationExecutionCommandOutput,
} from '@aws-sdk/client-ssm';
import { MAX_APPROVERS, MAX_MESSAGE } from '../../approval/document.ts';
import { type Env, fail, notModeled, type Out, uuid } from '../core.ts';
import type { Automation, AutomationStep, World } from '../world.ts';

/**
 * Systems Manager Automation, as far as the go/no-go's runbook (src/approval/document.ts) uses it:
 * the sandbox runs the runbook it is given, step by step, with `aws:approve` and `aws:executeAwsApi`
 * for Step Functions' SendTaskSuccess and SendTaskFailure; any other action is not modelled.
 *
 * aws:approve (https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-action-approve.html):
 * only the Approvers may answer; the step goes on once MinRequiredApprovals have approved, and one
 * rejection fails it (then `onFailure` decides); at most 10 approvers, MinRequiredApprovals no more
 * than them, a Message of at most 4096 characters; past timeoutSeconds the execution is TimedOut.
 * SendAutomationSignal refuses a signal the execution is not waiting for with
 * InvalidAutomationSignalException (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendAutomationSignal.html),
 * as the sandbox also does for a caller who is not an approver, or one who already answered.
 * StopAutomationExecution of an execution that has ended: InvalidAutomationStatusUpdateException
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StopAutomationExecution.html).
 */

const DEFAULT_STEP_TIMEOUT_SECONDS = 604_800;

/** An IAM principal as an approver names it; an assumed-role session answers as its role. */
export function principalOf(arn: string): string {
  const session = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : arn;
}

function automationOf(world: World, id: string | undefined): Automation {
  return (
    world.automations.get(id ?? '') ??
    fail(AutomationExecutionNotFoundException, `Automation execution ${id} is not found.`)
  );
}

/** `{{ Name }}` and `{{ automation:EXECUTION_ID }}` in a step's input, as Automation resolves them. */
function resolve(value: unknown, automation: Automation): unknown {
  if (typeof value !== 'string') return value;
  const whole = /^\{\{\s*([\w:]+)\s*\}\}$/.exec(value);
  if (whole?.[1] && whole[1] in automation.parameters) {
    const values = automation.parameters[whole[1]] ?? [];
    return automation.listParameters.includes(whole[1]) ? values : values[0];
  }
  return value.replace(/\{\{\s*([\w:]+)\s*\}\}/g, (_, name: string) =>
    name === 'automation:EXECUTION_ID' ? automation.id : (automation.parameters[name]?.[0] ?? ''),
  );
}

function stepNamed(automation: Automation, name: string): AutomationStep {
  return automation.steps.find((s) => s.name === name) ?? fail(InvalidAutomationSignalException, name);
}

/** Runs steps from `name` until one waits or the runbook ends. */
function runFrom(world: World, automation: Automation, name: string | undefined, now: number): void {
  let next = name;
  while (next) {
    const step = stepNamed(automation, next);
    const inputs = Object.fromEntries(
      Object.entries(step.definition.inputs ?? {}).map(([k, v]) => [k, resolve(v, automation)]),
    );
    automation.current = step.name;
    step.status = 'InProgress';
    step.startedAt = now;
    if (step.definition.action === 'aws:approve') {
      const approvers = (inputs.Approvers as string[] | undefined) ?? [];
      const min = Number(inputs.MinRequiredApprovals ?? 1);
      const message = String(inputs.Message ?? '');
      const problem =
        approvers.length === 0 || approvers.length > MAX_APPROVERS
          ? `Approvers must name 1 to ${MAX_APPROVERS} principals; got ${approvers.length}.`
          : !(min >= 1 && min <= approvers.length)
            ? `MinRequiredApprovals ${min} must be between 1 and the number of approvers (${approvers.length}).`
            : message.length > MAX_MESSAGE
              ? `Message is ${message.length} characters; at most ${MAX_MESSAGE}.`
              : undefined;
      if (problem) {
        next = failStep(automation, step, problem);
        continue;
      }
      step.approval = { approvers: approvers.map(principalOf), min, decisions: [] };
      automation.status = 'Waiting';
      return;
    }
    if (step.definition.action === 'aws:executeAwsApi' && inputs.Service === 'stepfunctions') {
      const token = String(inputs.taskToken ?? '');
      const task = world.tasks.get(token);
      if (!task || task.status !== 'waiting') {
        next = failStep(automation, step, `TaskTimedOut: Task Timed Out: '${token.slice(0, 16)}...'`);
        continue;
      }
      if (inputs.Api === 'SendTaskSuccess')
        Object.assign(task, { status: 'succeeded', output: inputs.output });
      else if (inputs.Api === 'SendTaskFailure')
        Object.assign(task, { status: 'failed', error: inputs.error, cause: inputs.cause });
      else throw notModeled(`aws:executeAwsApi stepfunctions ${String(inputs.Api)}`);
      step.status = 'Success';
      next = step.definition.isEnd ? undefined : (step.definition.nextStep ?? nextInOrder(automation, step));
      continue;
    }
    throw notModeled(`Automation action ${step.definition.action}`);
  }
  if (automation.status === 'InProgress' || automation.status === 'Waiting') automation.status = 'Success';
}

function nextInOrder(automation: Automation, step: AutomationStep): string | undefined {
  return automation.steps[automation.steps.indexOf(step) + 1]?.name;
}

/** A step failed: onFailure `step:X` goes on there, anything else (Abort, the default) ends Failed. */
function failStep(automation: Automation, step: AutomationStep, message: string): string | undefined {
  step.status = 'Failed';
  step.failureMessage = message;
  const onFailure = step.definition.onFailure ?? 'Abort';
  if (onFailure.startsWith('step:')) return onFailure.slice('step:'.length);
  automation.status = 'Failed';
  automation.failureMessage = `Step ${step.name} failed: ${message}`;
  return undefined;
}

function StartAutomationExecution(
  input: StartAutomationExecutionCommandInput,
  { world, now }: Env,
): Out<StartAutomationExecutionCommandOutput> {
  const name = input.DocumentName ?? '';
  const document =
    world.documents.get(name) ??
    fail(AutomationDefinitionNotFoundException, `Automation definition ${name} is not found.`);
  const declared = document.parameters as Record<string, { type: string; default?: unknown }>;
  const given = input.Parameters ?? {};
  const unknown = Object.keys(given).filter((k) => !(k in declared));
  const missing = Object.entries(declared)
    .filter(([k, p]) => !(k in given) && p.default === undefined)
    .map(([k]) => k);
  if (unknown.length + missing.length > 0) {
    fail(
      InvalidAutomationExecutionParametersException,
      [
        ...unknown.map((k) => `Parameter "${k}" is not defined in the document.`),
        ...missing.map((k) => `Parameter "${k}" is required but not provided.`),
      ].join(' '),
    );
  }
  const parameters: Record<string, string[]> = {};
  for (const [k, p] of Object.entries(declared)) {
    parameters[k] = given[k] ?? (p.default === undefined ? [] : [String(p.default)]);
  }
  const id = uuid(world);
  const automation: Automation = {
    id,
    documentName: name,
    parameters,
    listParameters: Object.entries(declared)
      .filter(([, p]) => p.type === 'StringList')
      .map(([k]) => k),
    status: 'InProgress',
    startedAt: now,
    steps: document.mainSteps.map((definition) => ({ name: definition.name, definition, status: 'Pending' })),
  };
  world.automations.set(id, automation);
  runFrom(world, automation, document.mainSteps[0]?.name, now);
  return { AutomationExecutionId: id };
}

function GetAutomationExecution(
  input: GetAutomationExecutionCommandInput,
  { world }: Env,
): Out<GetAutomationExecutionCommandOutput> {
  const a = automationOf(world, input.AutomationExecutionId);
  return {
    AutomationExecution: {
      AutomationExecutionId: a.id,
      DocumentName: a.documentName,
      AutomationExecutionStatus: a.status,
      ExecutionStartTime: new Date(a.startedAt),
      ...(a.current ? { CurrentStepName: a.current } : {}),
      ...(a.failureMessage ? { FailureMessage: a.failureMessage } : {}),
      Parameters: a.parameters,
      StepExecutions: a.steps.map((s) => ({
        StepName: s.name,
        Action: s.definition.action,
        StepStatus: s.status,
        ...(s.failureMessage ? { FailureMessage: s.failureMessage } : {}),
        ...(s.approval
          ? {
              Outputs: {
                ApprovalStatus: [
                  s.status === 'Success' ? 'Approved' : s.status === 'Failed' ? 'Rejected' : 'Waiting',
                ],
                ApproverDecisions: s.approval.decisions.map((d) => JSON.stringify(d)),
              },
            }
          : {}),
      })),
    },
  };
}

function DescribeAutomationExecutions(
  input: DescribeAutomationExecutionsCommandInput,
  { world }: Env,
): Out<DescribeAutomationExecutionsCommandOutput> {
  const filters = input.Filters ?? [];
  const matches = (a: Automation) =>
    filters.every(({ Key, Values = [] }) => {
      if (Key === 'DocumentNamePrefix') return Values.some((v) => a.documentName.startsWith(v));
      if (Key === 'ExecutionStatus') return Values.includes(a.status);
      throw notModeled(`DescribeAutomationExecutions filter ${Key}`);
    });
  return {
    AutomationExecutionMetadataList: [...world.automations.values()].filter(matches).map((a) => ({
      AutomationExecutionId: a.id,
      DocumentName: a.documentName,
      AutomationExecutionStatus: a.status,
      ExecutionStartTime: new Date(a.startedAt),
      ...(a.current ? { CurrentStepName: a.current } : {}),
    })),
  };
}

function SendAutomationSignal(
  input: SendAutomationSignalCommandInput,
  { world, now, caller }: Env,
): Out<SendAutomationSignalCommandOutput> {
  const a = automationOf(world, input.AutomationExecutionId);
  const step = a.steps.find((s) => s.name === a.current);
  const approval = step?.approval;
  if (a.status !== 'Waiting' || !step || !approval) {
    fail(
      InvalidAutomationSignalException,
      `Automation execution ${a.id} is ${a.status}: it waits for no signal.`,
    );
  }
  if (input.SignalType !== 'Approve' && input.SignalType !== 'Reject') {
    throw notModeled(`SendAutomationSignal ${input.SignalType}`);
  }
  const who = principalOf(caller);
  if (!approval.approvers.includes(who)) {
    fail(InvalidAutomationSignalException, `${caller} is not an approver of step ${step.name}.`);
  }
  if (approval.decisions.some((d) => d.approver === who)) {
    fail(InvalidAutomationSignalException, `${caller} has already answered step ${step.name}.`);
  }
  approval.decisions.push({
    approver: who,
    decision: input.SignalType === 'Approve' ? 'Approved' : 'Rejected',
    comment: input.Payload?.Comment?.[0] ?? '',
    at: now,
  });
  if (input.SignalType === 'Reject') {
    a.status = 'InProgress';
    runFrom(world, a, failStep(a, step, `Rejected by ${who}.`), now);
  } else if (approval.decisions.filter((d) => d.decision === 'Approved').length >= approval.min) {
    step.status = 'Success';
    a.status = 'InProgress';
    runFrom(world, a, step.definition.nextStep ?? nextInOrder(a, step), now);
  }
  return {};
}

function StopAutomationExecution(
  input: StopAutomationExecutionCommandInput,
  { world }: Env,
): Out<StopAutomationExecutionCommandOutput> {
  const a = automationOf(world, input.AutomationExecutionId);
  if (a.status !== 'Waiting' && a.status !== 'InProgress') {
    fail(InvalidAutomationStatusUpdateException, `Automation execution ${a.id} has ended (${a.status}).`);
  }
  a.status = 'Cancelled';
  for (const s of a.steps) if (s.status === 'InProgress') s.status = 'Cancelled';
  return {};
}

/** An approval step past its timeoutSeconds ends the execution TimedOut. */
export function settleAutomations(world: World, now: number): void {
  for (const a of world.automations.values()) {
    if (a.status !== 'Waiting') continue;
    const step = a.steps.find((s) => s.name === a.current);
    const timeout = step?.definition.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_SECONDS;
    if (step?.startedAt !== undefined && now >= step.startedAt + timeout * 1000) {
      step.status = 'TimedOut';
      a.status = 'TimedOut';
    }
  }
}

/**
 * Step Functions' callback answers (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html):
 * a token no task waits on any more is refused with TaskTimedOut.
 */
function answerTask(world: World, token: string | undefined, answer: object): void {
  const task = world.tasks.get(token ?? '');
  if (!task || task.status !== 'waiting') fail(TaskTimedOut, 'Task Timed Out');
  Object.assign(task, answer);
}

export const taskCallbacks = {
  SendTaskSuccess: (
    input: { taskToken?: string; output?: string },
    { world }: Env,
  ): Out<SendTaskSuccessCommandOutput> => {
    answerTask(world, input.taskToken, { status: 'succeeded', output: input.output });
    return {};
  },
  SendTaskFailure: (
    input: { taskToken?: string; error?: string; cause?: string },
    { world }: Env,
  ): Out<SendTaskFailureCommandOutput> => {
    answerTask(world, input.taskToken, { status: 'failed', error: input.error, cause: input.cause });
    return {};
  },
};

export const automationCommands = {
  StartAutomationExecution,
  GetAutomationExecution,
  DescribeAutomationExecutions,
  SendAutomationSignal,
  StopAutomationExecution,
};
