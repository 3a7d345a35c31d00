import {
  CloudWatchServiceException,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  InvalidParameterValueException,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { type Env, fail, type Out, type ServiceModel } from '../core.ts';
import { signInKey, type World } from '../world.ts';

/** Alarms follow the sandbox's `unhealthy` flag; names that match no alarm are simply left out. */
function DescribeAlarms(
  input: DescribeAlarmsCommandInput,
  { world, now, unhealthy }: Env,
): Out<DescribeAlarmsCommandOutput> {
  const names = input.AlarmNames ?? [...world.alarms.keys()];
  const alarms = names.flatMap((name) => {
    const alarm = world.alarms.get(name);
    return alarm ? [alarm] : [];
  });
  return {
    MetricAlarms: alarms.map((alarm) => ({
      AlarmName: alarm.name,
      AlarmArn: alarm.arn,
      StateValue: unhealthy ? 'ALARM' : 'OK',
      StateReason: unhealthy
        ? 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).'
        : 'Threshold Crossed: 1 datapoint [0.0] was not greater than the threshold (5.0).',
      StateUpdatedTimestamp: new Date(now),
      ActionsEnabled: true,
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    })),
    CompositeAlarms: [],
  };
}

/**
 * The datapoints of one metric: the sandbox has those Cognito publishes for sign-in
 * (AWS/Cognito SignInSuccesses, dimensions UserPool and UserPoolClient). The functions' own metrics
 * travel as EMF lines on Lambda's stdout, which the sandbox does not read: they have no data here,
 * as a metric nobody published has none in CloudWatch.
 */
function datapoints(world: World, query: MetricDataQuery): number[] {
  const metric = query.MetricStat?.Metric;
  const dims = Object.fromEntries((metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  // A metric is named by all its dimensions: a query that leaves one out matches nothing.
  if (
    metric?.Namespace !== 'AWS/Cognito' ||
    metric.MetricName !== 'SignInSuccesses' ||
    Object.keys(dims).length !== 2 ||
    !dims.UserPool ||
    !dims.UserPoolClient
  )
    return [];
  return world.signIns.get(signInKey(dims.UserPool, dims.UserPoolClient)) ?? [];
}

/**
 * MetricStat queries, one value per period that has data, newest first (ScanBy's default); Sum and
 * SampleCount of a count, as a count of successes is all the sandbox keeps. Its refusals: at most
 * 500 queries, a period of 1, 5, 10, 30 or a multiple of 60 seconds, a start before the end
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
 */
function GetMetricData(input: GetMetricDataCommandInput, { world }: Env): Out<GetMetricDataCommandOutput> {
  const queries = input.MetricDataQueries ?? [];
  if (queries.length > 500)
    fail(
      InvalidParameterValueException,
      'The collection MetricDataQueries must not have a size greater than 500.',
    );
  const start = input.StartTime ? new Date(input.StartTime).getTime() : Number.NaN;
  const end = input.EndTime ? new Date(input.EndTime).getTime() : Number.NaN;
  if (!(start < end))
    fail(InvalidParameterValueException, 'The parameter StartTime must be less than the parameter EndTime.');
  const results: MetricDataResult[] = queries.map((query) => {
    const stat = query.MetricStat;
    if (!stat)
      fail(InvalidParameterValueException, 'The sandbox models only MetricStat queries, not expressions.');
    const period = stat.Period ?? 0;
    if (!([1, 5, 10, 30].includes(period) || (period >= 60 && period % 60 === 0)))
      fail(
        InvalidParameterValueException,
        `The parameter Period must be 1, 5, 10, 30 or a multiple of 60; it is ${period}.`,
      );
    if (stat.Stat !== 'Sum' && stat.Stat !== 'SampleCount')
      fail(
        InvalidParameterValueException,
        `The sandbox keeps counts only: Sum or SampleCount, not ${stat.Stat}.`,
      );
    const buckets = new Map<number, number>();
    for (const at of datapoints(world, query)) {
      if (at < start || at >= end) continue;
      const bucket = start + Math.floor((at - start) / (period * 1000)) * period * 1000;
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    }
    const newestFirst = [...buckets.entries()].sort(([a], [b]) => b - a);
    return {
      Id: query.Id,
      Label: query.Label ?? stat.Metric?.MetricName,
      Timestamps: newestFirst.map(([at]) => new Date(at)),
      Values: newestFirst.map(([, value]) => value),
      StatusCode: 'Complete',
    };
  });
  return { MetricDataResults: results, Messages: [] };
}

export const cloudWatch: ServiceModel = {
  exception: CloudWatchServiceException,
  commands: { DescribeAlarms, GetMetricData },
};
