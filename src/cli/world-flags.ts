import type { Command } from 'commander';
import type { WorldOptions } from '../sandbox/index.ts';

type Switch = {
  [K in keyof WorldOptions]-?: NonNullable<WorldOptions[K]> extends boolean ? K : never;
}[keyof WorldOptions];

/**
 * The faults of the world a rehearsal or a sandboxed dry-run starts from, one flag each. `rehearse`
 * and `plan` both take every one; with `--stage` they are refused, as AWS has its own world.
 */
const WORLD_FLAGS = {
  denyInvoke: ['--deny-invoke', 'the reference incident: Cognito may not invoke the migration function'],
  srpOnlyClient: [
    '--srp-only-client',
    "the new pool's app client allows only SRP, so the trigger gets no password",
  ],
  denyOldPoolAuth: [
    '--deny-old-pool-auth',
    "the migration function's role may not call AdminInitiateAuth on the old pool",
  ],
  confidentialClients: [
    '--confidential-clients',
    'both app clients have a secret: the trigger and the canary must send SECRET_HASH',
  ],
  serviceRoleDenied: [
    '--service-role-denied',
    "each dependent service's role (services[].roleArn) still names only the old pool: Preflight must stop the cutover",
  ],
  missingGroup: [
    '--missing-group',
    "the new pool lacks one of the old pool's groups: Preflight must stop the cutover",
  ],
  attributeMismatch: [
    '--attribute-mismatch',
    "the new pool's schema lacks a custom attribute the old pool's users carry: Preflight must stop the cutover",
  ],
  driftDns: ['--drift-dns', "the world's DNS record no longer holds the plan's dns.expected"],
} as const satisfies Partial<Record<Switch, readonly [flag: string, help: string]>>;

export type WorldFlags = Partial<Record<keyof typeof WORLD_FLAGS, boolean>>;

const names = Object.keys(WORLD_FLAGS) as (keyof typeof WORLD_FLAGS)[];

/** Adds every world flag to `command`; `prefix` goes before each help line. */
export function worldFlagOptions(command: Command, prefix = ''): Command {
  for (const name of names) command.option(WORLD_FLAGS[name][0], `${prefix}${WORLD_FLAGS[name][1]}`);
  return command;
}

/** The world options the given flags ask for. */
export function worldOptions(flags: WorldFlags): WorldOptions {
  return Object.fromEntries(names.filter((name) => flags[name]).map((name) => [name, true]));
}

/** Each world option's flag, by option name. */
export const WORLD_FLAG_NAMES: Record<string, string> = Object.fromEntries(
  names.map((name) => [name, WORLD_FLAGS[name][0]]),
);
