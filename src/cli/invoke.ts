import { InvokeCommand } from '@aws-sdk/client-lambda';
import * as aws from '../aws/aws.ts';
import { CommandFailed } from './exit.ts';
import { attempt, checkStage, isObject, parseJson, SERVICE } from './stepfunctions.ts';

/**
 * Invokes the stage's function `name` (`cognito-cutover-<stage>-<name>`) with `payload`, as the
 * functions that answer on demand are (migrateUser, countProgress), and returns its answer. A function
 * error, or an answer `answered` does not recognise, fails with the error, `safe` (why running the
 * command again is safe), and the function's log group.
 */
export async function invokeStageFunction(call: {
  stage: string;
  region: string;
  name: string;
  payload: object;
  answered: (answer: Record<string, unknown>) => boolean;
  safe: string;
}): Promise<Record<string, unknown>> {
  const { region } = call;
  const fn = `${SERVICE}-${checkStage(call.stage)}-${call.name}`;
  const out = await attempt(
    {
      what: `invoking ${fn}`,
      action: 'lambda:InvokeFunction',
      resource: `arn:aws:lambda:${region}:*:function:${fn}`,
      region,
      service: 'Lambda',
      hints: {
        ResourceNotFoundException: `There is no function ${fn} in ${region}: deploy the stack (npx serverless deploy --stage ${call.stage} --region ${region}), or pass the --stage and --region it was deployed with.`,
      },
    },
    () =>
      aws
        .lambda(region)
        .send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify(call.payload)) })),
  );
  const answer = parseJson(out.Payload ? Buffer.from(out.Payload).toString('utf8') : undefined);
  if (out.FunctionError || !isObject(answer) || !call.answered(answer)) {
    const error = isObject(answer) ? `${String(answer.errorType)}: ${String(answer.errorMessage)}` : '';
    throw new CommandFailed(
      `${fn} failed (${error || out.FunctionError || 'no answer'}); ${call.safe}: run the same command again. Its log group /aws/lambda/${fn} says more.`,
    );
  }
  return answer;
}
