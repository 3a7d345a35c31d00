import {
  CloudWatchServiceException,
  type DescribeAlarmsCommandInput,
  type DescribeAlarmsCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import type { Env, Out, ServiceModel } from '../core.ts';

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

export const cloudWatch: ServiceModel = {
  exception: CloudWatchServiceException,
  commands: { DescribeAlarms },
};
