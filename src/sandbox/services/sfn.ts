import {
  type DescribeExecutionCommandInput,
  type DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { type Env, fail, type Out, type ServiceModel } from '../core.ts';
import { taskCallbacks } from './automation.ts';

/** Only what the lock needs: whether the execution that holds it is still running. */
function DescribeExecution(
  input: DescribeExecutionCommandInput,
  { world }: Env,
): Out<DescribeExecutionCommandOutput> {
  const arn = input.executionArn ?? '';
  const execution = world.executions.get(arn);
  if (!execution) fail(ExecutionDoesNotExist, `Execution Does Not Exist: '${arn}'`);
  // arn:aws:states:<region>:<account>:execution:<state machine>:<name>
  const parts = arn.split(':');
  return {
    executionArn: arn,
    stateMachineArn: [...parts.slice(0, 5), 'stateMachine', parts[6]].join(':'),
    name: parts[7],
    status: execution.status,
    startDate: new Date(execution.startDate),
    ...(execution.stopDate !== undefined ? { stopDate: new Date(execution.stopDate) } : {}),
  };
}

export const sfn: ServiceModel = {
  exception: SFNServiceException,
  commands: { DescribeExecution, ...taskCallbacks },
};
