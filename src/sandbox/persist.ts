import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './sandbox.ts';
import { standardSchema } from './services/cognito-schema.ts';
import type { Snapshot } from './snapshot.ts';
import { UserMap, type World } from './world.ts';

/** What `--state-dir` keeps between commands: the world (ledger included), its clock, and how it started. */
interface Saved {
  world: World;
  clockMs: number;
  startingWorld: Snapshot;
}

const FILE = 'sandbox.json';

// The world holds Maps and Sets; JSON needs them tagged to come back as such.
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Set) return { $set: [...value.values()] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$map' in value)
    return new Map((value as { $map: [unknown, unknown][] }).$map);
  if (value && typeof value === 'object' && '$set' in value)
    return new Set((value as { $set: unknown[] }).$set);
  return value;
}

export function saveSandbox(dir: string, sandbox: Sandbox, startingWorld: Snapshot): void {
  mkdirSync(dir, { recursive: true });
  const saved: Saved = { world: sandbox.world, clockMs: sandbox.clock.now(), startingWorld };
  writeFileSync(join(dir, FILE), JSON.stringify(saved, replacer));
}

/** The sandbox a previous command left in `dir`, or undefined when there is none yet. */
export function loadSandbox(dir: string): { sandbox: Sandbox; startingWorld: Snapshot } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  const saved = JSON.parse(text, reviver) as Saved;
  // A state directory written before executions were kept knows of none.
  saved.world.executions ??= new Map();
  saved.world.roles ??= new Map();
  saved.world.sessions ??= [];
  saved.world.signIns ??= new Map();
  saved.world.documents ??= new Map();
  saved.world.automations ??= new Map();
  saved.world.tasks ??= new Map();
  for (const api of saved.world.restApis.values()) {
    for (const stage of api.stages.values()) {
      stage.history ??= [{ at: stage.lastUpdatedAt, deploymentId: stage.deploymentId }];
    }
  }
  for (const pool of saved.world.pools.values()) {
    pool.users = new UserMap(pool.users);
    pool.groups ??= new Map();
    pool.schema ??= standardSchema();
    pool.caseSensitive ??= false;
    pool.mfa ??= 'OFF';
    pool.totp ??= false;
    for (const client of pool.clients.values()) {
      client.accessTokenValidityMinutes ??= 60;
      client.idTokenValidityMinutes ??= 60;
    }
  }
  return { sandbox: new Sandbox(saved.world, saved.clockMs), startingWorld: saved.startingWorld };
}
