import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import dynalite from 'dynalite';
import { useTransport } from '../../src/aws/clients.ts';
import { newSession, type Session } from '../../src/local/runner.ts';
import { type Plan, parsePlan } from '../../src/plan/schema.ts';
import type { WorldOptions } from '../../src/sandbox/index.ts';

export interface Dynalite {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Creates a table shaped as serverless.yml's LedgerTable: pk and sk, both strings. */
  createLedger(table: string): Promise<void>;
  /** Every item of `table`, sorted by key, for comparing before and after. */
  items(table: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

const SERVICE_ENDPOINT = 'AWS_ENDPOINT_URL_DYNAMODB';

/** A table shaped as serverless.yml's LedgerTable: pk and sk, both strings. */
const ledgerTable = (table: string) => ({
  TableName: table,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
});

/**
 * Starts dynalite (DynamoDB in memory, over real HTTP) on 127.0.0.1 and points the client
 * factory's DynamoDB clients at it through the SDK's service-specific endpoint variable, which
 * wins over the AWS_ENDPOINT_URL that keeps every other service off the network in tests.
 */
export async function startDynalite(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const previous = process.env[SERVICE_ENDPOINT];
  process.env[SERVICE_ENDPOINT] = url;
  // Clients built before now point elsewhere.
  useTransport(undefined);
  const client = new DynamoDBClient({ region: 'eu-west-2', endpoint: url });

  return {
    url,
    async createLedger(table) {
      await client.send(new CreateTableCommand(ledgerTable(table)));
      await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05 }, { TableName: table });
    },
    async items(table) {
      const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
      return (out.Items ?? [])
        .map((item) => unmarshall(item))
        .sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
    },
    async stop() {
      client.destroy();
      if (previous === undefined) delete process.env[SERVICE_ENDPOINT];
      else process.env[SERVICE_ENDPOINT] = previous;
      useTransport(undefined);
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A rehearsal world for `raw` in which every service is the sandbox but DynamoDB, which is the
 * dynalite started above (its table: the runner's LEDGER_TABLE), and the plan as parsed.
 */
export function sessionOnDynalite(raw: unknown, world?: WorldOptions): { plan: Plan; session: Session } {
  const session = newSession(raw, world);
  session.sandbox.network.add('DynamoDB');
  return { plan: parsePlan(raw), session };
}

const require = createRequire(import.meta.url);
type Callback = (
  error: { body?: { __type?: string; message?: string; Message?: string } } | null,
  data?: object,
) => void;
interface DynaliteAction {
  run: (store: unknown, data: object, cb: Callback) => void;
  spec: { types: object; custom?: unknown };
}
const dynaliteDb = require('dynalite/db') as { create(options: object): unknown };
const validations = require('dynalite/validations') as {
  checkTypes(data: object, types: object): object;
  checkValidations(data: object, types: object, custom: unknown, store: unknown): void;
};

/** What dynalite answered: the output, or the error DynamoDB's wire protocol would name. */
export type DynaliteAnswer = { output: Record<string, unknown> } | { error: string; message: string };

/**
 * dynalite in this process: its own validations and actions on its in-memory store, as its HTTP
 * handler calls them, without the HTTP. One store per call of this function.
 */
export function dynaliteInProcess() {
  const store = dynaliteDb.create({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const actions = new Map<string, DynaliteAction>();
  const actionOf = (command: string): DynaliteAction => {
    const name = command.charAt(0).toLowerCase() + command.slice(1);
    let found = actions.get(name);
    if (!found) {
      found = { run: require(`dynalite/actions/${name}`), spec: require(`dynalite/validations/${name}`) };
      actions.set(name, found);
    }
    return found;
  };
  const send = (command: string, input: object) =>
    new Promise<DynaliteAnswer>((resolve) => {
      const { run, spec } = actionOf(command);
      const answer = (error: Parameters<Callback>[0], output?: object) =>
        resolve(
          error
            ? {
                error:
                  String(error.body?.__type ?? error)
                    .split('#')
                    .at(-1) ?? '',
                message: error.body?.message ?? error.body?.Message ?? '',
              }
            : { output: (output ?? {}) as Record<string, unknown> },
        );
      try {
        const data = validations.checkTypes(structuredClone(input), spec.types);
        validations.checkValidations(data, spec.types, spec.custom, store);
        run(store, data, answer);
      } catch (error) {
        answer(error as Parameters<Callback>[0]);
      }
    });
  return {
    send,
    /** A table shaped as serverless.yml's LedgerTable, ACTIVE when this resolves. */
    async createLedger(table: string) {
      await send('CreateTable', ledgerTable(table));
      // The table turns ACTIVE on the next turn of the event loop (createTableMs 0).
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}
