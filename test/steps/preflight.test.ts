import { GetAuthorizerCommand, GetRestApiCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsThrottled, PreflightFailed } from '../../src/errors.ts';
import { preflight } from '../../src/steps/preflight.ts';
import { context, mocks, mutations, planWith } from './aws-mocks.ts';

const failure = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });

/** The problems preflight reported, or none when it passed. */
async function problems(): Promise<string[]> {
  try {
    await preflight(context());
    return [];
  } catch (error) {
    if (error instanceof PreflightFailed) return error.problems;
    throw error;
  }
}

// Every resource of the example plan exists and is readable; each test breaks what it is about.
beforeEach(() => {
  mocks.cognito
    .on(DescribeUserPoolCommand)
    .resolves({ UserPool: { Arn: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/x' } });
  mocks.cognito
    .on(DescribeUserPoolClientCommand)
    .resolves({ UserPoolClient: { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] } });
  mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: {} });
  mocks.route53.on(ListResourceRecordSetsCommand).resolves({
    ResourceRecordSets: [
      { Name: 'admin.tis.example.org.', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.10' }] },
    ],
  });
  mocks.apiGateway.on(GetRestApiCommand).resolves({ id: 'um0api1234' });
  mocks.apiGateway.on(GetStageCommand).resolves({ stageName: 'prod' });
  mocks.apiGateway
    .on(GetAuthorizerCommand)
    .resolves({ providerARNs: ['arn:aws:cognito-idp:eu-west-2:111122223333:userpool/old'] });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'eu-west-2_OldPool01', Type: 'String' } });
  mocks.secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ userPoolId: 'eu-west-2_OldPool01' }) });
  mocks.ecs
    .on(DescribeServicesCommand)
    .resolves({ services: [{ status: 'ACTIVE', taskDefinition: 'usermanagement:7' }] });
  mocks.cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [{ AlarmName: 'usermanagement-prod-5xx' }, { AlarmName: 'reval-prod-5xx' }],
  });
});

describe('preflight', () => {
  it('passes when everything the plan names exists, and changes nothing', async () => {
    const { checks } = await preflight(context());

    expect(checks.every((c) => c.ok)).toBe(true);
    expect(checks.map((c) => c.field)).toEqual([
      'oldPool.userPoolId / newPool.userPoolId',
      'newPool.appClientId',
      'oldPool.migrationClientId',
      'notify.usersTopicArn',
      'notify.operatorsTopicArn',
      'dns',
      'writeFreeze[0]',
      'writeFreeze[1]',
      'services[0].bindings[0]',
      'services[0].bindings[1]',
      'services[1].bindings[0]',
      'services[1].bindings[1]',
      'health.checks[2]',
    ]);
    expect(mutations()).toEqual([]);
  });

  it('accepts a missing parameter: the cutover creates it', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'absent', $metadata: {} }));

    const { checks } = await preflight(context());

    expect(checks.find((c) => c.field === 'services[0].bindings[1]')).toMatchObject({
      ok: true,
      detail: 'absent; it will be created',
    });
  });

  it('reports every missing resource at once, each naming the field to correct', async () => {
    mocks.secrets.on(GetSecretValueCommand).rejects(failure('ResourceNotFoundException'));
    mocks.ecs.on(DescribeServicesCommand).resolves({ services: [], failures: [{ reason: 'MISSING' }] });
    mocks.cloudWatch
      .on(DescribeAlarmsCommand)
      .resolves({ MetricAlarms: [{ AlarmName: 'usermanagement-prod-5xx' }] });

    expect(await problems()).toEqual([
      expect.stringMatching(
        /^secret usermanagement-cognito-prod \(services\[1\]\.bindings\[0\]\): .*ResourceNotFoundException.*\. Create it, or correct services\[1\]\.bindings\[0\] in the plan\.$/,
      ),
      'ECS service tis-prod/usermanagement (services[1].bindings[1]): ECS service tis-prod/usermanagement not found (MISSING). Create it, or correct services[1].bindings[1] in the plan.',
      'alarms usermanagement-prod-5xx, reval-prod-5xx (health.checks[2]): alarm(s) reval-prod-5xx not found. Create it, or correct health.checks[2] in the plan.',
    ]);
  });

  it('says to grant read access when AWS denies it', async () => {
    mocks.apiGateway.on(GetRestApiCommand).rejects(failure('AccessDeniedException'));

    expect(await problems()).toEqual([
      expect.stringMatching(
        /^REST API um0api1234 stage prod.*: access denied \(.*\)\. Grant the cutover's role read access to it\.$/,
      ),
    ]);
  });

  it('names the plan field in an access-denied problem too', async () => {
    mocks.apiGateway.on(GetRestApiCommand).rejects(failure('AccessDeniedException'));

    expect(await problems()).toEqual([expect.stringContaining('writeFreeze[0]')]);
  });

  it('reports a secret that is not JSON although the binding names a jsonKey', async () => {
    mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: 'eu-west-2_OldPool01' });

    expect(await problems()).toEqual([
      expect.stringContaining('is not a JSON object but the plan sets jsonKey userPoolId'),
    ]);
  });

  it('reports a cognito-sign-in health check as not available yet', async () => {
    const plan = planWith((p) => p.health.checks.push({ kind: 'cognito-sign-in', canarySecretId: 'canary' }));

    await expect(preflight(context(plan))).rejects.toThrow(
      'cognito-sign-in check (health.checks[3]): cognito-sign-in health checks are not available in this version: remove health.checks[3] from the plan',
    );
  });

  it('raises throttling instead of reporting it, so the state machine retries', async () => {
    mocks.sns.on(GetTopicAttributesCommand).rejects(failure('ThrottlingException'));

    await expect(preflight(context())).rejects.toBeInstanceOf(AwsThrottled);
  });
});
