import type { Plan } from '../plan/schema.ts';
import {
  functionArn,
  type LambdaFunction,
  type RestApi,
  SANDBOX_PARAMETER_KEY,
  SANDBOX_SECRET_MARK,
  type Secret,
  type World,
  type WorldOptions,
} from './world.ts';

/** Resources existed long before the rehearsal starts. */
export const CREATED = Date.parse('2025-06-01T12:00:00Z');

/** What seeding a plan item needs: the world it goes in, and the plan's old pool it is wired to. */
export interface Seeding {
  world: World;
  plan: Plan;
  options: WorldOptions;
  oldPoolArn: string;
  /** A binding's value as it stood before the cutover: its placeholders filled with the old pool's. */
  oldValue(template: string): string;
}

/** The REST API `id`, created on first use. */
export function seedRestApi(world: World, id: string): RestApi {
  const existing = world.restApis.get(id);
  if (existing) return existing;
  const api: RestApi = {
    id,
    name: id,
    createdAt: CREATED,
    authorizers: new Map(),
    stages: new Map(),
    deployments: new Map(),
  };
  world.restApis.set(id, api);
  return api;
}

/** A stage of `api`; the world deploys every API once its authorizers exist. */
export function seedStage(api: RestApi, stageName: string): void {
  api.stages.set(stageName, {
    stageName,
    deploymentId: '',
    createdAt: CREATED,
    lastUpdatedAt: CREATED,
    history: [],
  });
}

/** A String parameter, or a SecureString under a customer managed key when the options name it. */
export function seedParameter({ world, options }: Seeding, name: string, value: string): void {
  world.parameters.set(name, {
    name,
    ...(options.secureStrings?.includes(name)
      ? { value: `${SANDBOX_SECRET_MARK}:${value}`, type: 'SecureString', keyId: SANDBOX_PARAMETER_KEY }
      : { value, type: 'String' }),
    version: 1,
    lastModified: CREATED,
    history: [],
  });
}

/** A function with `variables` merged into any it has; with `alias`, invoked through it on version 1. */
export function seedFunction(
  world: World,
  name: string,
  variables: Record<string, string>,
  alias?: string,
): void {
  const existing = world.functions.get(name);
  const fn: LambdaFunction = {
    name,
    arn: functionArn(world, name),
    variables: { ...existing?.variables, ...variables },
    codeSha256: `${name}-package-1`,
    lastModified: CREATED,
    revision: 1,
    versions: [],
    aliases: new Map(),
  };
  if (alias) {
    fn.versions.push({
      version: '1',
      variables: { ...fn.variables },
      codeSha256: fn.codeSha256,
      lastModified: CREATED,
    });
    fn.aliases.set(alias, { name: alias, version: '1', revision: 1 });
  }
  world.functions.set(name, fn);
}

/** A secret as it was created, its first version AWSCURRENT; `n` numbers it for stable ids. */
export function seedSecret(world: World, name: string, value: string): Secret {
  const n = world.secrets.size + 1;
  const secret: Secret = {
    name,
    arn: `arn:aws:secretsmanager:${world.region}:${world.accountId}:secret:${name}-${n.toString(36).padStart(6, 'a')}`,
    versions: {
      [`00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`]: {
        value,
        stages: ['AWSCURRENT'],
        createdAt: CREATED,
      },
    },
    createdAt: CREATED,
    lastChangedAt: CREATED,
  };
  world.secrets.set(name, secret);
  return secret;
}
