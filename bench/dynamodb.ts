/**
 * The sandbox's DynamoDB (a model of its own, src/sandbox/services/dynamodb.ts) against dynalite
 * run in process (its own validations and actions on its in-memory store, no HTTP), replaying
 * the DynamoDB calls a successful rehearsal of the example makes: the ledger and the lock.
 */
import { LEDGER_TABLE, newSession, rehearse } from '../src/local/runner.ts';
import type { Call } from '../src/sandbox/sandbox.ts';
import { dynamoDb } from '../src/sandbox/services/dynamodb.ts';
import { emptyWorld, OPERATOR_ARN } from '../src/sandbox/world.ts';
import { dynaliteInProcess } from '../test/support/dynalite.ts';

async function throughDynalite(calls: Call[], rounds: number) {
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const dynalite = dynaliteInProcess();
    await dynalite.createLedger(LEDGER_TABLE);
    for (const c of calls) await dynalite.send(c.command, c.input);
  }
  return performance.now() - started;
}

async function throughModel(calls: Call[], rounds: number, region: string, accountId: string) {
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const world = emptyWorld(region, accountId);
    world.tables.set(LEDGER_TABLE, {
      name: LEDGER_TABLE,
      arn: `arn:aws:dynamodb:${region}:${accountId}:table/${LEDGER_TABLE}`,
      hashKey: 'pk',
      rangeKey: 'sk',
      items: new Map(),
    });
    const env = { world, now: 0, unhealthy: false, caller: OPERATOR_ARN, invoke: async () => ({}) };
    for (const c of calls) {
      try {
        await dynamoDb.commands[c.command]?.(structuredClone(c.input) as never, env);
      } catch {
        // A lost condition is part of the traffic.
      }
    }
  }
  return performance.now() - started;
}

export async function dynamoDbReplay(plan: unknown, rounds = 200) {
  const session = newSession(plan);
  await rehearse({ plan, session });
  const calls = session.sandbox.calls.filter((c) => c.service === 'DynamoDB');
  const { region, accountId } = session.sandbox.world;
  await throughModel(calls, 5, region, accountId); // warm
  await throughDynalite(calls, 5);
  const model = await throughModel(calls, rounds, region, accountId);
  const dynalite = await throughDynalite(calls, rounds);
  const perRehearsal = (ms: number) => Math.round((ms / rounds) * 100) / 100;
  return {
    callsPerRehearsal: calls.length,
    modelMsPerRehearsal: perRehearsal(model),
    dynaliteMsPerRehearsal: perRehearsal(dynalite),
    dynaliteOverModel: Math.round((dynalite / model) * 10) / 10,
  };
}
