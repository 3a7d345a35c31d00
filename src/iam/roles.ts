import { readFileSync } from 'node:fs';
import { parsePlan } from '../plan/schema.ts';
import { everyState, type MachineKind, machine } from '../statemachines/definition.ts';
import { arn, type Stage, type Statement, statementsFor } from './grants.ts';
import { FUNCTION_AREAS, FUNCTION_COMMANDS } from './manifest.ts';

export type FunctionKey = keyof typeof FUNCTION_COMMANDS;

/** A function's resource as osls names it: validatePlan → ValidatePlanLambdaFunction, ValidatePlanLogGroup. */
export const logicalId = (fn: string, suffix: 'Role' | 'LambdaFunction' | 'LogGroup') =>
  `${fn.charAt(0).toUpperCase()}${fn.slice(1)}${suffix}`;
/** The logical id of a function's role, next to osls's `<Name>LambdaFunction` and `<Name>LogGroup`. */
export const roleId = (fn: string) => logicalId(fn, 'Role');
const lambdaId = (fn: string) => logicalId(fn, 'LambdaFunction');
const logGroupId = (fn: string) => logicalId(fn, 'LogGroup');

/** The stage as the roles see it: its plan names every resource a function may touch. */
export function stageOf(service: string, stage: string, planFile = `plans/${stage}.json`): Stage {
  let text: string;
  try {
    text = readFileSync(planFile, 'utf8');
  } catch {
    throw new Error(
      `${planFile} is missing: every stage needs its plan, which names the resources its roles may touch.`,
    );
  }
  return { service, stage, plan: parsePlan(JSON.parse(text)) };
}

/** Exactly what one function's code can send, on the stage's resources, and its own log group. */
export function statementsOf(fn: FunctionKey, stage: Stage): Statement[] {
  return [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [{ 'Fn::GetAtt': [logGroupId(fn), 'Arn'] }],
    },
    ...statementsFor(FUNCTION_COMMANDS[fn], stage, new Set(FUNCTION_AREAS[fn])),
  ];
}

/** One role per function, for serverless.yml's `resources` (each function names its own as `role`). */
export function lambdaRoles(stage: Stage): Record<string, object> {
  return Object.fromEntries(
    (Object.keys(FUNCTION_COMMANDS) as FunctionKey[]).map((fn) => [
      roleId(fn),
      {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: `${stage.service} ${stage.stage} ${fn}: only the calls its code makes`,
          AssumeRolePolicyDocument: assumedBy('lambda.amazonaws.com'),
          Policies: [
            {
              PolicyName: 'least-privilege',
              PolicyDocument: { Version: '2012-10-17', Statement: statementsOf(fn, stage) },
            },
          ],
        },
      },
    ]),
  );
}

const assumedBy = (service: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
});

/**
 * A state machine's role: invoke the exact versions of its own functions and nothing else; the
 * cutover also starts the rollback and waits for it (startExecution.sync:2 needs Describe/Stop on
 * its executions and Step Functions' managed EventBridge rule). Log delivery and X-Ray take no
 * resource-level permission, so only those name `*`.
 */
function machineRole(name: MachineKind, stage: Stage): object {
  const functions = [...new Set(Object.values(machine(name).functionOf))].sort();
  const statements: object[] = [
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: functions.flatMap((fn) => [
        { 'Fn::GetAtt': [lambdaId(fn), 'Arn'] },
        { 'Fn::Join': [':', [{ 'Fn::GetAtt': [lambdaId(fn), 'Arn'] }, '*']] },
      ]),
    },
  ];
  if (name === 'cutover') {
    statements.push(
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ Ref: 'RollbackStateMachine' }] },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: [arn('states', `execution:${stage.service}-${stage.stage}-rollback:*`)],
      },
      {
        Effect: 'Allow',
        Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
        Resource: [arn('events', 'rule/StepFunctionsGetEventsForStepFunctionsExecutionRule')],
      },
    );
  }
  // A distributed Map runs its items as child executions of the machine itself; its own ARN is built
  // from its name, as naming the resource would make the role and the machine depend on each other
  // (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
  const distributed = [...everyState(machine(name).definition)].some(
    ([, state]) => state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED',
  );
  if (distributed) {
    const own = `${stage.service}-${stage.stage}-${name}`;
    statements.push(
      {
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: [arn('states', `stateMachine:${own}`)],
      },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: [arn('states', `execution:${own}:*`), arn('states', `execution:${own}/*`)],
      },
    );
  }
  statements.push({
    Effect: 'Allow',
    Action: [
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ],
    Resource: ['*'],
  });
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `${stage.service} ${stage.stage} ${name} state machine: its own functions only`,
      AssumeRolePolicyDocument: assumedBy('states.amazonaws.com'),
      Policies: [
        { PolicyName: 'least-privilege', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
      ],
    },
  };
}

/** The state machines' roles, by the logical ids serverless.yml gives them as `role`. */
export function stateMachineRoles(stage: Stage): Record<string, object> {
  return {
    CutoverMachineRole: machineRole('cutover', stage),
    RollbackMachineRole: machineRole('rollback', stage),
    SweepMachineRole: machineRole('sweep', stage),
  };
}

/**
 * The roles the plan names in `finish.migrateUserCallers` may invoke the migrateUser function: the
 * user-management service moves a user at once when an admin opens one not yet migrated. A resource
 * policy statement per role, so the caller's own policy need only allow lambda:InvokeFunction on it
 * (https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html).
 */
export function invokePermissions(stage: Stage): Record<string, object> {
  return Object.fromEntries(
    stage.plan.finish.migrateUserCallers.map((principal, i) => [
      `MigrateUserInvokedByCaller${i + 1}`,
      {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': [lambdaId('migrateUser'), 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: principal,
        },
      },
    ]),
  );
}
