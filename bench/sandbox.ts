/**
 * The sandbox's own throughput: SDK calls per second through the production clients and the
 * transport middleware, and how many calls a successful rehearsal of the example makes.
 */
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../src/aws/aws.ts';
import { newSession, rehearse } from '../src/local/runner.ts';

export async function sandboxThroughput(plan: unknown, calls = 5000) {
  const { sandbox } = newSession(plan);
  sandbox.install();
  const region = sandbox.world.region;
  const name = '/bench/sandbox-throughput';
  const started = performance.now();
  try {
    for (let i = 0; i < calls / 2; i++) {
      await aws
        .ssm(region)
        .send(new PutParameterCommand({ Name: name, Value: String(i), Type: 'String', Overwrite: true }));
      await aws.ssm(region).send(new GetParameterCommand({ Name: name }));
    }
  } finally {
    sandbox.uninstall();
  }
  const seconds = (performance.now() - started) / 1000;
  await rehearse({ plan }); // warm: handler modules load once per process
  const session = newSession(plan);
  const t = performance.now();
  await rehearse({ plan, session });
  const rehearsalSeconds = (performance.now() - t) / 1000;
  return {
    callsPerSecond: Math.round(calls / seconds),
    rehearsalCalls: session.sandbox.calls.length,
    rehearsalCallsPerSecond: Math.round(session.sandbox.calls.length / rehearsalSeconds),
  };
}
