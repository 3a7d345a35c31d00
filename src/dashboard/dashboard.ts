import { MIGRATION_OUTCOMES } from '../triggers/user-migration.ts';

/**
 * The stack's CloudWatch dashboard, `<service>-<stage>`, which operators would rather look at than read
 * logs: the migration's progress hour by hour, users moved over time, the migration trigger's outcomes
 * and latency, the three state machines' executions by status, and the write freeze of the last
 * cutover. Its metrics are the ones
 * the functions publish (namespace CognitoCutover, dimension `service`) and Step Functions' own
 * (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).
 */

const NAMESPACE = 'CognitoCutover';
const MACHINES = [
  ['Cutover', 'CutoverStateMachine'],
  ['Rollback', 'RollbackStateMachine'],
  ['Sweep', 'SweepStateMachine'],
] as const;

type Metric = (string | Record<string, unknown>)[];

interface Widget {
  type: 'metric' | 'text';
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

function metrics(
  title: string,
  series: Metric[],
  options: { period: number; stat: string; view?: string; stacked?: boolean; width?: number },
): Widget {
  return {
    type: 'metric',
    width: options.width ?? 12,
    height: 6,
    properties: {
      title,
      metrics: series,
      // Filled in by Fn::Sub, as are the state machines' ARNs below.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder.
      region: '${AWS::Region}',
      view: options.view ?? 'timeSeries',
      stacked: options.stacked ?? false,
      stat: options.stat,
      period: options.period,
    },
  };
}

export function dashboardBody(service: string, stage: string): { widgets: Widget[] } {
  const ours = (name: string, label: string, extra: Record<string, unknown> = {}): Metric => [
    NAMESPACE,
    name,
    'service',
    service,
    { label, ...extra },
  ];
  const widgets: Widget[] = [
    {
      type: 'text',
      width: 24,
      height: 2,
      properties: {
        markdown: `## ${service} ${stage}\nUsers reach the new pool by signing in (the migration trigger) or by the sweep. \`cutover status --stage ${stage}\` follows a cutover; \`cutover sweep --failures --stage ${stage}\` lists who a sweep did not move. Counts only here: never who.`,
      },
    },
    // countProgress publishes these every hour (src/steps/count-progress.ts).
    metrics(
      'Migration progress: users in each pool, and remaining only in the old one',
      [
        ours('OldPoolUsers', 'old pool'),
        ours('NewPoolUsers', 'new pool'),
        ours('UsersRemaining', 'remaining'),
      ],
      { period: 3600, stat: 'Maximum', width: 16 },
    ),
    metrics('Migrated, % of the old pool', [ours('MigratedPercent', 'migrated')], {
      period: 3600,
      stat: 'Maximum',
      view: 'singleValue',
      width: 8,
    }),
    metrics(
      'Users moved to the new pool, per day',
      [
        ours('UsersMigrated', 'at sign-in (trigger)'),
        ours('UsersSwept', 'by the sweep'),
        ours('UsersMovedOnDemand', 'by migrate-user'),
      ],
      { period: 86400, stat: 'Sum', view: 'timeSeries', stacked: true },
    ),
    metrics(
      'Migration trigger outcomes, per 5 minutes',
      MIGRATION_OUTCOMES.map((name) =>
        ours(name, name.replace(/^Migration/, '').replace(/^UsersMigrated$/, 'migrated')),
      ),
      { period: 300, stat: 'Sum' },
    ),
    metrics(
      'Migration trigger latency, ms (Cognito allows 5,000)',
      [ours('MigrationMs', 'p50', { stat: 'p50' }), ours('MigrationMs', 'p99', { stat: 'p99' })],
      { period: 300, stat: 'p50' },
    ),
    metrics('Write freeze of the last cutover, s', [ours('WriteFreezeSeconds', 'frozen')], {
      period: 604800,
      stat: 'Maximum',
      view: 'singleValue',
    }),
    ...MACHINES.map(([name, logicalId]) =>
      metrics(
        `${name} executions`,
        ['Succeeded', 'Failed', 'TimedOut', 'Aborted'].map((status) => [
          'AWS/States',
          `Executions${status}`,
          'StateMachineArn',
          `\${${logicalId}}`,
          { label: status.toLowerCase() },
        ]),
        { period: 3600, stat: 'Sum', width: 8 },
      ),
    ),
    metrics(
      'Sweeps: users moved and refused',
      [ours('UsersSwept', 'moved'), ours('SweepRefused', 'refused')],
      {
        period: 3600,
        stat: 'Sum',
      },
    ),
  ];
  return { widgets };
}

/** The dashboard as serverless.yml's `resources` take it: the body's `${...}` filled by Fn::Sub. */
export function dashboardResources(service: string, stage: string): Record<string, object> {
  return {
    MigrationDashboard: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: `${service}-${stage}`,
        DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(service, stage)) },
      },
    },
  };
}
