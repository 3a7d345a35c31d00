/**
 * The triggers' latency on cognito-local: N first sign-ins of one old-pool user in two groups, each
 * migrating it again and copying its groups (the migrated copy is deleted in between). Figures to compare from run to run;
 * cognito-local and the loopback network stand in for Cognito, so they say nothing of production.
 */
import { AdminDeleteUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { logger } from '../src/logger.ts';
import { FUNCTIONS, GROUPS, startMigrationWorld } from '../test/support/migration-world.ts';

export interface TriggerLatency {
  signIns: number;
  /** Time inside the function, the old pool's AdminInitiateAuth and AdminGetUser included. */
  triggerP50Ms: number;
  triggerP99Ms: number;
  /** Time inside PreTokenGeneration, copying the user's two groups (old pool read, new pool writes) included. */
  claimsP50Ms: number;
  claimsP99Ms: number;
  /** InitiateAuth on the new pool as the client sees it: migration, token triggers, signing. */
  signInP50Ms: number;
  signInP99Ms: number;
  /** Until both emulators (old pool, new pool) answered; they start in parallel. */
  startupMs: number;
}

const EMAIL = 'bench@example.com';
const PASSWORD = 'Bench-Passw0rd!';
/** Sign-ins left out of the figures: the first ones load modules and open connections. */
const WARM_UP = 5;

export async function triggerLatency(signIns = 200): Promise<TriggerLatency> {
  // 200 "User migrated" lines would bury the table.
  const level = logger.getLevelName();
  logger.setLogLevel('SILENT');
  const world = await startMigrationWorld();
  try {
    await world.createOldUser(EMAIL, PASSWORD, { email_verified: 'true', given_name: 'Bench' }, GROUPS);
    const migrateOnce = async (): Promise<number> => {
      const started = performance.now();
      await world.signIn(EMAIL, PASSWORD);
      const elapsed = performance.now() - started;
      await world.newCognito.send(
        new AdminDeleteUserCommand({ UserPoolId: world.newPool.id, Username: EMAIL }),
      );
      return elapsed;
    };
    for (let i = 0; i < WARM_UP; i++) await migrateOnce();
    const measuredFrom = world.lambda.invocationsOf(FUNCTIONS.userMigration).length;
    const claimsFrom = world.lambda.invocationsOf(FUNCTIONS.preTokenGeneration).length;
    const signInMs: number[] = [];
    for (let i = 0; i < signIns; i++) signInMs.push(await migrateOnce());
    const migrations = world.lambda.invocationsOf(FUNCTIONS.userMigration).slice(measuredFrom);
    // A sign-in that did not go through the trigger, or failed in it, would skew the figures unseen.
    if (migrations.length !== signIns || migrations.some((migration) => migration.error !== undefined)) {
      throw new Error(
        `Expected ${signIns} successful migrations, saw ${JSON.stringify(migrations.slice(0, 3))}`,
      );
    }
    const triggerMs = migrations.map((migration) => migration.durationMs);
    const claims = world.lambda.invocationsOf(FUNCTIONS.preTokenGeneration).slice(claimsFrom);
    if (claims.length !== signIns || claims.some((c) => c.error !== undefined)) {
      throw new Error(`Expected ${signIns} token triggers, saw ${JSON.stringify(claims.slice(0, 3))}`);
    }
    const claimsMs = claims.map((c) => c.durationMs);
    return {
      signIns,
      triggerP50Ms: round(percentile(triggerMs, 50)),
      triggerP99Ms: round(percentile(triggerMs, 99)),
      claimsP50Ms: round(percentile(claimsMs, 50)),
      claimsP99Ms: round(percentile(claimsMs, 99)),
      signInP50Ms: round(percentile(signInMs, 50)),
      signInP99Ms: round(percentile(signInMs, 99)),
      startupMs: round(world.startupMs),
    };
  } finally {
    await world.stop();
    logger.setLogLevel(level);
  }
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
