import {
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  InvalidParameterValueException,
} from '@aws-sdk/client-cloudwatch';
import { AdminInitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterEach, describe, expect, it } from 'vitest';
import * as aws from '../../../src/aws/aws.ts';
import { parsePlan } from '../../../src/plan/schema.ts';
import { Sandbox } from '../../../src/sandbox/index.ts';
import { example } from '../../fixtures/plans.ts';

const plan = parsePlan(example);
const OLD = plan.oldPool.userPoolId;
const CLIENT = plan.oldPool.migrationClientId;
let sandbox: Sandbox;
afterEach(() => sandbox.uninstall());

const signIn = () =>
  aws.cognito(plan.region).send(
    new AdminInitiateAuthCommand({
      UserPoolId: OLD,
      ClientId: CLIENT,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'person-01@example.org', PASSWORD: 'Sandbox-Secret-Value-person-1' },
    }),
  );

const query = (dimensions: Record<string, string>, overrides: Partial<GetMetricDataCommandInput> = {}) => {
  const now = sandbox.clock.now();
  return aws.cloudWatch(plan.region).send(
    new GetMetricDataCommand({
      StartTime: new Date(now - 3_600_000),
      EndTime: new Date(now),
      MetricDataQueries: [
        {
          Id: 'signIns',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Cognito',
              MetricName: 'SignInSuccesses',
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
      ...overrides,
    }),
  );
};

describe("the sandbox's CloudWatch metrics", () => {
  it('sums the sign-ins Cognito counted per pool and app client, one value per period, newest first', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    await signIn();
    await signIn();
    sandbox.clock.advance(120);
    await signIn();
    sandbox.clock.advance(60);

    // Act
    const out = await query({ UserPool: OLD, UserPoolClient: CLIENT });

    // Assert
    expect(out.MetricDataResults?.[0]?.Values).toEqual([1, 2]);
  });

  it('matches nothing when a dimension is left out, as a metric is named by all of its dimensions', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    await signIn();
    sandbox.clock.advance(60);

    // Act
    const out = await query({ UserPool: OLD });

    // Assert
    expect(out.MetricDataResults?.[0]?.Values).toEqual([]);
  });

  it.each([
    ['a period that is not 1, 5, 10, 30 or a multiple of 60', { Period: 45 }, /Period/],
    ['a statistic the sandbox does not keep', { Stat: 'p99' }, /Sum or SampleCount/],
  ])('refuses %s', async (_, stat, message) => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    const now = sandbox.clock.now();

    // Act
    const refused = aws.cloudWatch(plan.region).send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 60_000),
        EndTime: new Date(now),
        MetricDataQueries: [
          {
            Id: 'q',
            MetricStat: {
              Metric: { Namespace: 'AWS/Cognito', MetricName: 'SignInSuccesses' },
              Period: 60,
              Stat: 'Sum',
              ...stat,
            },
          },
        ],
      }),
    );

    // Assert
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toBeInstanceOf(InvalidParameterValueException);
  });

  it('refuses a start that is not before the end, and more than 500 queries', async () => {
    // Arrange
    sandbox = Sandbox.fromPlan(plan).install();
    const now = new Date(sandbox.clock.now());
    const many = Array.from({ length: 501 }, (_, i) => ({ Id: `q${i}`, Expression: 'SUM(METRICS())' }));

    // Act
    const backwards = query({}, { StartTime: now, EndTime: now });
    const tooMany = query({}, { MetricDataQueries: many });

    // Assert
    await expect(backwards).rejects.toThrow(/StartTime must be less than/);
    await expect(tooMany).rejects.toThrow(/greater than 500/);
  });
});
