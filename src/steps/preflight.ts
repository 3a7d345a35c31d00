import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { AccessDenied, AwsTransient, PreflightFailed, ResourceNotFound } from '../errors.ts';
import { bindingKind, freezeKind, type PlanPart } from '../kinds/index.ts';
import type { Binding, Freeze, Plan } from '../plan/schema.ts';
// Each adapter's read side only: Preflight loads, and so is granted, no write (src/iam/manifest.ts).
import { readers } from '../resources/reads/index.ts';
import { effectiveTtl, recordRef, route53RecordReader } from '../resources/reads/route53-record.ts';
import type { ResourceReader } from '../resources/resource.ts';
import { carryRuleFromEnv } from '../triggers/attributes.ts';
import { canaryReady } from './checks/canary-ready.ts';
import { functionReady } from './checks/function-ready.ts';
import { type GraceWindow, graceWindow } from './checks/grace-window.ts';
import { groupsCarried } from './checks/groups.ts';
import {
  clientAllows,
  invokeAllowed,
  migrationFunction,
  oldPoolAuthAllowed,
  type Trigger,
  triggerWired,
} from './checks/migration-wiring.ts';
import { attributesFit, legacySubReadable, totpReenrolment, usernamesAlike } from './checks/pool-fit.ts';
import { serviceRoleAllowed } from './checks/service-role.ts';
import type { StepContext } from './core/context.ts';
import { type PoolFacts, poolFacts } from './core/pools.ts';

type MigrationFunction = Awaited<ReturnType<typeof migrationFunction>>;

export interface PreflightCheck {
  field: string;
  check: string;
  ok: boolean;
  detail: string;
}

interface Probe {
  field: string;
  check: string;
  run: () => Promise<string>;
}

/** Reads the resource a plan item names, as its kind addresses and describes it. */
function itemProbe<Item extends Binding | Freeze>(
  plan: Plan,
  item: Item,
  part: PlanPart<Item, object, unknown, never>,
  field: string,
): Probe {
  const reader: ResourceReader<object, unknown> = readers[item.kind];
  return {
    field,
    check: part.check(item),
    run: async () => {
      const state = await reader.read(plan.region, part.ref(item));
      return part.summary?.(state, item) ?? 'readable';
    },
  };
}

function bindingProbe(plan: Plan, binding: Binding, field: string): Probe {
  const probe = itemProbe(plan, binding, bindingKind(binding), field);
  // A function is asked more than its read: which aliases serve it, and what publishing would release.
  return binding.kind === 'lambda-environment'
    ? { ...probe, run: () => functionReady(plan.region, binding) }
    : probe;
}

/** The triggers the reference incident lacked the wiring of: set on the new pool, invocable, and allowed on the old pool. */
function triggerProbes(
  plan: Plan,
  facts: Promise<PoolFacts>,
  migration: Promise<MigrationFunction>,
): Probe[] {
  const triggers: [Trigger, string, string][] = [
    ['UserMigration', plan.newPool.migrationFunctionName, 'newPool.migrationFunctionName'],
  ];
  const claims = plan.newPool.preTokenGenerationFunctionName;
  if (claims) triggers.push(['PreTokenGeneration', claims, 'newPool.preTokenGenerationFunctionName']);
  return [
    ...triggers.flatMap(([trigger, fn, field]): Probe[] => [
      {
        field,
        check: `${trigger} trigger of the new pool`,
        run: async () => triggerWired((await facts).newPoolTriggers, trigger, fn),
      },
      {
        field,
        check: `permission for Cognito to invoke ${fn}`,
        run: async () => invokeAllowed(plan, fn, (await facts).newPoolArn),
      },
    ]),
    {
      field: 'newPool.migrationFunctionName',
      check: `old pool access of ${plan.newPool.migrationFunctionName}`,
      run: async () => oldPoolAuthAllowed(plan, (await migration).role, (await facts).oldPoolArn),
    },
  ];
}

/** The new pool can hold the old pool's users as the migration function carries them. */
function poolFitProbes(
  plan: Plan,
  facts: Promise<PoolFacts>,
  migration: Promise<MigrationFunction>,
): Probe[] {
  const rule = async () => carryRuleFromEnv((await migration).environment);
  return [
    {
      field: 'newPool.userPoolId',
      check: "the old pool's attributes in the new pool's schema",
      run: async () => attributesFit(plan, await facts, await rule()),
    },
    {
      field: 'newPool.userPoolId',
      check: "the new pool's attribute for the legacy sub",
      run: async () => legacySubReadable(plan, await facts, await rule()),
    },
    {
      field: 'newPool.acceptUsernameDifference',
      check: "both pools' username configuration",
      run: async () => usernamesAlike(plan, await facts),
    },
    {
      field: 'oldPool.userPoolId',
      check: 'authenticator apps (TOTP) to enrol again',
      run: async () => totpReenrolment(plan, await facts),
    },
  ];
}

/** Each dependent service that names its role: may it do on the new pool what it did on the old one? */
function serviceRoleProbes(plan: Plan, facts: Promise<PoolFacts>): Probe[] {
  return plan.services.flatMap((service, i): Probe[] => {
    const { roleArn } = service;
    if (!roleArn) return [];
    return [
      {
        field: `services[${i}].roleArn`,
        check: `${service.name}'s role on the new pool`,
        run: async () => serviceRoleAllowed(plan.region, service, roleArn, (await facts).newPoolArn),
      },
    ];
  });
}

function probes(plan: Plan, grace: Promise<GraceWindow> | undefined): Probe[] {
  // Several probes need the pools' ARNs and triggers: ask Cognito once. Every probe awaits it, so a failure is reported, never unhandled.
  const facts = poolFacts(plan);
  const migration = migrationFunction(plan);
  const topic = (arn: string, field: string): Probe => ({
    field,
    check: `SNS topic ${arn}`,
    run: async () => {
      await named(
        `reading topic ${arn}`,
        aws.sns(plan.region).send(new GetTopicAttributesCommand({ TopicArn: arn })),
      );
      return 'reachable';
    },
  });
  return [
    {
      field: 'oldPool.userPoolId / newPool.userPoolId',
      check: 'user pools',
      run: async () => {
        const pools = await facts;
        return `${pools.oldPoolArn} → ${pools.newPoolArn}`;
      },
    },
    ...triggerProbes(plan, facts, migration),
    ...poolFitProbes(plan, facts, migration),
    {
      field: 'newPool.userPoolId',
      check: "the old pool's groups in the new pool",
      run: () => groupsCarried(plan),
    },
    ...serviceRoleProbes(plan, facts),
    ...graceProbe(grace),
    {
      field: 'newPool.appClientId',
      check: `new pool app client ${plan.newPool.appClientId}`,
      run: () =>
        clientAllows(plan.region, plan.newPool.userPoolId, plan.newPool.appClientId, {
          needed: ['ALLOW_USER_PASSWORD_AUTH', 'USER_PASSWORD_AUTH'],
          why: 'SRP sends no password to the migration trigger, so nobody would migrate',
          signsIn: 'the canary',
        }),
    },
    {
      field: 'oldPool.migrationClientId',
      check: `old pool migration client ${plan.oldPool.migrationClientId}`,
      run: () =>
        clientAllows(plan.region, plan.oldPool.userPoolId, plan.oldPool.migrationClientId, {
          needed: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ADMIN_NO_SRP_AUTH'],
          why: 'the migration trigger signs users in on the old pool with AdminInitiateAuth',
          signsIn: 'the migration trigger',
        }),
    },
    topic(plan.notify.usersTopicArn, 'notify.usersTopicArn'),
    topic(plan.notify.operatorsTopicArn, 'notify.operatorsTopicArn'),
    {
      field: 'dns',
      check: `DNS record ${plan.dns.recordName} ${plan.dns.recordType}`,
      run: async () => {
        const record = await route53RecordReader.read(plan.region, recordRef(plan));
        if (!record) return 'absent; it will be created';
        if (record.alias) return `alias to ${record.alias.dnsName} (effective TTL 60 s)`;
        const ttl = effectiveTtl(record);
        const budget = ttlBudget(plan);
        // PrepareDns waits out the old TTL before the freeze; past the budget the execution would time out.
        if (ttl > plan.dns.cutoverTtlSeconds && ttl > budget) {
          throw new PreflightFailed([
            `the record's TTL of ${ttl} s would be waited out before the switch, and with the approval and the health gate that outlasts the cutover's ${EXECUTION_TIMEOUT_SECONDS} s limit: lower its TTL to ${plan.dns.cutoverTtlSeconds} s at least ${ttl} s before the cutover (the day before), then start it`,
          ]);
        }
        return `TTL ${ttl} s`;
      },
    },
    ...plan.writeFreeze.map((item, i) => itemProbe(plan, item, freezeKind(item), `writeFreeze[${i}]`)),
    ...plan.services.flatMap((service, i) =>
      service.bindings.map((binding, j) => bindingProbe(plan, binding, `services[${i}].bindings[${j}]`)),
    ),
    ...plan.health.checks.flatMap((check, i): Probe[] => {
      const field = `health.checks[${i}]`;
      if (check.kind === 'cloudwatch-alarm') {
        return [
          {
            field,
            check: `alarms ${check.alarmNames.join(', ')}`,
            run: async () => {
              const out = await named(
                'reading alarms',
                aws.cloudWatch(plan.region).send(new DescribeAlarmsCommand({ AlarmNames: check.alarmNames })),
              );
              const found = new Set((out.MetricAlarms ?? []).map((a) => a.AlarmName));
              const missing = check.alarmNames.filter((n) => !found.has(n));
              if (missing.length > 0) {
                throw new ResourceNotFound(`alarm(s) ${missing.join(', ')} not found`);
              }
              return 'all exist';
            },
          },
        ];
      }
      if (check.kind === 'cognito-sign-in') {
        return [{ field, check: `canary of ${field}`, run: () => canaryReady(plan, check) }];
      }
      return [];
    }),
  ];
}

/** The grace window, when the plan keeps one: Preflight reports it, and hands its length to the state machine. */
function graceWindowOf(plan: Plan): Promise<GraceWindow> | undefined {
  if (!plan.grace.enabled) return undefined;
  return graceWindow(plan, EXECUTION_TIMEOUT_SECONDS - ttlBudgetUsed(plan) - plan.dns.cutoverTtlSeconds);
}

function graceProbe(grace: Promise<GraceWindow> | undefined): Probe[] {
  if (!grace) return [];
  return [
    {
      field: 'grace',
      check: "the grace window for the old pool's tokens",
      run: async () => (await grace).detail,
    },
  ];
}

/** The cutover's execution timeout (cutover.asl.yml), which every wait of one execution shares. */
export const EXECUTION_TIMEOUT_SECONDS = 21_600;

/** What the approval, the health gate and every other state may take of the execution's time. */
function ttlBudgetUsed(plan: Plan): number {
  const approval = plan.approval.required ? plan.approval.timeoutSeconds : 0;
  // Room for DNS propagation, redeploys and every other state: half an hour.
  return approval + plan.health.deadlineSeconds + 1800;
}

/** The longest old TTL PrepareDns can wait out and still leave time for the approval, the switch and the health gate. */
export function ttlBudget(plan: Plan): number {
  return EXECUTION_TIMEOUT_SECONDS - ttlBudgetUsed(plan);
}

function fixFor(error: unknown, probe: Probe): string {
  const where = `${probe.check} (${probe.field})`;
  if (error instanceof AccessDenied) {
    return `${where}: access denied (${error.message}). Grant the cutover's role read access to it.`;
  }
  if (error instanceof ResourceNotFound) {
    return `${where}: ${error.message}. Create it, or correct ${probe.field} in the plan.`;
  }
  // A probe that already knows the fix says it whole.
  if (error instanceof PreflightFailed) return `${where}: ${error.problems.join('; ')}`;
  return `${where}: ${(error as Error).message}. Check ${probe.field} in the plan.`;
}

/**
 * Every resource the plan names exists and is readable, before anything is touched. Every problem
 * is reported at once, each with the fix, so an operator fixes them in one pass.
 */
export async function preflight(ctx: StepContext) {
  const grace = graceWindowOf(ctx.plan);
  const checks: PreflightCheck[] = await Promise.all(
    probes(ctx.plan, grace).map(async (probe) => {
      try {
        return { field: probe.field, check: probe.check, ok: true, detail: await probe.run() };
      } catch (error) {
        if (error instanceof AwsTransient) throw error;
        return { field: probe.field, check: probe.check, ok: false, detail: fixFor(error, probe) };
      }
    }),
  );
  const problems = checks.filter((c) => !c.ok).map((c) => c.detail);
  // A dry-run reports every problem instead of stopping at them: the report is the point.
  if (problems.length > 0 && !ctx.plan.dryRun) throw new PreflightFailed(problems);
  // The window's length, for the grace watch: 0 without one, or in a dry-run that found it too long.
  const graceSeconds = (await grace?.catch(() => undefined))?.seconds ?? 0;
  return { checks, problems, ok: problems.length === 0, graceSeconds };
}
