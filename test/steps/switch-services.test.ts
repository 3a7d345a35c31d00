import {
  CreateDeploymentCommand,
  GetAuthorizerCommand,
  GetStageCommand,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { type Deployment, DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useClock } from '../../src/clock.ts';
import { ServiceNotStable } from '../../src/errors.ts';
import type { Plan } from '../../src/plan/schema.ts';
import { checkServices } from '../../src/steps/check-services.ts';
import { switchServices } from '../../src/steps/switch-services.ts';
import { context, forgetCalls, mocks, mutations, OTHER_EXECUTION, planWith } from './aws-mocks.ts';

const OLD = 'eu-west-2_OldPool01';
const NEW = 'eu-west-2_NewPool01';
const OLD_ARN = `arn:aws:cognito-idp:eu-west-2:111122223333:userpool/${OLD}`;
const NEW_ARN = `arn:aws:cognito-idp:eu-west-2:111122223333:userpool/${NEW}`;

/** The example's services, plus a Lambda function whose environment names the pool. */
const plan = (edit?: (p: Plan) => void): Plan =>
  planWith((p) => {
    p.services.push({
      name: 'migration',
      bindings: [
        {
          kind: 'lambda-environment',
          functionName: 'admin-api',
          variables: { USER_POOL_ID: '{{newPool.userPoolId}}' },
        },
      ],
    });
    edit?.(p);
  });

/** Every binding as AWS answers it when it names `pool`. */
function servicesUse(pool: string, arn: string): void {
  mocks.apiGateway.on(GetAuthorizerCommand).resolves({ id: 'cogauth1', providerARNs: [arn] });
  mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: pool, Type: 'String' } });
  mocks.secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ userPoolId: pool, region: 'eu-west-2' }) });
  mocks.lambda
    .on(GetFunctionConfigurationCommand)
    .resolves({ Environment: { Variables: { USER_POOL_ID: pool, LOG_LEVEL: 'info' } } });
}

function serviceDeployment(deployment: Deployment): void {
  mocks.ecs.on(DescribeServicesCommand).resolves({
    services: [
      { status: 'ACTIVE', taskDefinition: 'usermanagement:7', desiredCount: 2, deployments: [deployment] },
    ],
    failures: [],
  });
}

beforeEach(() => {
  mocks.cognito.on(DescribeUserPoolCommand, { UserPoolId: OLD }).resolves({ UserPool: { Arn: OLD_ARN } });
  mocks.cognito.on(DescribeUserPoolCommand, { UserPoolId: NEW }).resolves({ UserPool: { Arn: NEW_ARN } });
  mocks.apiGateway.on(GetStageCommand).resolves({ stageName: 'prod' });
  mocks.apiGateway.on(UpdateAuthorizerCommand).resolves({});
  mocks.apiGateway.on(CreateDeploymentCommand).resolves({ id: 'dep1' });
  mocks.ssm.on(PutParameterCommand).resolves({ Version: 2 });
  mocks.secrets.on(PutSecretValueCommand).resolves({});
  mocks.lambda.on(UpdateFunctionConfigurationCommand).resolves({});
  mocks.ecs.on(UpdateServiceCommand).resolves({});
  serviceDeployment({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
});

describe('switchServices', () => {
  it('switches every binding in plan order, each snapshot before its write', async () => {
    servicesUse(OLD, OLD_ARN);

    await switchServices(context(plan()));

    const snapshot = ['UpdateItem', 'PutItem'];
    expect(mutations()).toEqual([
      ...[...snapshot, 'UpdateAuthorizer', 'CreateDeployment', 'UpdateItem'],
      ...[...snapshot, 'PutParameter', 'UpdateItem'],
      ...[...snapshot, 'PutSecretValue', 'UpdateItem'],
      ...[...snapshot, 'UpdateService', 'UpdateItem'],
      ...[...snapshot, 'UpdateFunctionConfiguration', 'UpdateItem'],
    ]);
  });

  it('adds the new pool to the authorizer beside the old one for the grace window, and redeploys its stage', async () => {
    servicesUse(OLD, OLD_ARN);

    await switchServices(context(plan()));

    expect(mocks.apiGateway).toHaveReceivedCommandExactlyOnceWith(UpdateAuthorizerCommand, {
      restApiId: 'rv0api5678',
      authorizerId: 'cogauth1',
      patchOperations: [{ op: 'add', path: '/providerARNs', value: NEW_ARN }],
    });
    expect(mocks.apiGateway).toHaveReceivedCommandExactlyOnceWith(CreateDeploymentCommand, {
      restApiId: 'rv0api5678',
      stageName: 'prod',
    });
  });

  it('swaps the old pool ARN for the new one at once when the plan turns the grace window off', async () => {
    servicesUse(OLD, OLD_ARN);

    await switchServices(
      context(
        planWith((p) => {
          p.grace = { enabled: false };
        }),
      ),
    );

    expect(mocks.apiGateway).toHaveReceivedCommandExactlyOnceWith(UpdateAuthorizerCommand, {
      restApiId: 'rv0api5678',
      authorizerId: 'cogauth1',
      patchOperations: [
        { op: 'add', path: '/providerARNs', value: NEW_ARN },
        { op: 'remove', path: '/providerARNs', value: OLD_ARN },
      ],
    });
  });

  it('writes the new pool id to the parameter and to the JSON key of the secret, keeping its other keys', async () => {
    servicesUse(OLD, OLD_ARN);

    await switchServices(context(plan()));

    expect(mocks.ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: '/reval/prod/cognito-user-pool-id',
      Value: NEW,
      Type: 'String',
      Overwrite: true,
    });
    expect(mocks.secrets).toHaveReceivedCommandExactlyOnceWith(PutSecretValueCommand, {
      SecretId: 'usermanagement-cognito-prod',
      SecretString: JSON.stringify({ userPoolId: NEW, region: 'eu-west-2' }),
    });
  });

  it('merges the variables into the Lambda environment, redeploys the ECS service, and waits for both', async () => {
    servicesUse(OLD, OLD_ARN);

    const result = await switchServices(context(plan()));

    expect(mocks.lambda).toHaveReceivedCommandExactlyOnceWith(UpdateFunctionConfigurationCommand, {
      FunctionName: 'admin-api',
      Environment: { Variables: { USER_POOL_ID: NEW, LOG_LEVEL: 'info' } },
    });
    expect(mocks.ecs).toHaveReceivedCommandExactlyOnceWith(UpdateServiceCommand, {
      cluster: 'tis-prod',
      service: 'usermanagement',
      forceNewDeployment: true,
    });
    expect(result).toMatchObject({
      deployments: [
        { kind: 'ecs-deployment', region: 'eu-west-2', cluster: 'tis-prod', service: 'usermanagement' },
        { kind: 'lambda-update', region: 'eu-west-2', functionName: 'admin-api' },
      ],
      settled: false,
    });
  });

  it('sends nothing when run again, and still waits for the redeploy the first run started', async () => {
    servicesUse(OLD, OLD_ARN);
    const first = await switchServices(context(plan()));
    servicesUse(NEW, NEW_ARN);
    forgetCalls();

    const result = await switchServices(context(plan()));

    expect(mutations()).toEqual([]);
    expect(result.changes.map((c) => c.changed)).toEqual([false, false, false, false, false]);
    // A retry after the function timed out: the redeploy it started must still settle.
    expect(result.deployments).toEqual(first.deployments);
    expect(result.settled).toBe(false);
  });

  describe('with a grace value, for a service that verifies tokens itself', () => {
    const holding = () =>
      plan((p) => {
        const secret = p.services[1]?.bindings[0];
        if (secret?.kind === 'secret') secret.graceValue = '{{oldPool.userPoolId}},{{newPool.userPoolId}}';
      });
    const secretWrites = () =>
      mocks.secrets
        .commandCalls(PutSecretValueCommand)
        .map((c) => JSON.parse(c.args[0].input.SecretString ?? '{}').userPoolId);

    it('writes the grace value at the switch and the final value when the window closes, redeploying after each', async () => {
      // Arrange
      servicesUse(OLD, OLD_ARN);
      await switchServices(context(holding()));
      mocks.secrets
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ userPoolId: `${OLD},${NEW}`, region: 'eu-west-2' }) });

      // Act: RetireOldIssuer brings every binding to its state without the old pool.
      await switchServices(context(holding()), false);

      // Assert
      expect(secretWrites()).toEqual([`${OLD},${NEW}`, NEW]);
      expect(mocks.ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 2);
    });

    it('gives a function its grace variables while the window is open, and its variables after', async () => {
      // Arrange
      const graced = plan((p) => {
        const env = p.services[2]?.bindings[0];
        if (env?.kind === 'lambda-environment') {
          env.variables.TRUSTED_POOLS = '{{newPool.userPoolId}}';
          env.graceVariables = { TRUSTED_POOLS: '{{oldPool.userPoolId}},{{newPool.userPoolId}}' };
        }
      });
      servicesUse(OLD, OLD_ARN);

      // Act
      await switchServices(context(graced));
      mocks.lambda.on(GetFunctionConfigurationCommand).resolves({
        Environment: { Variables: { USER_POOL_ID: NEW, TRUSTED_POOLS: `${OLD},${NEW}`, LOG_LEVEL: 'info' } },
      });
      await switchServices(context(graced), false);

      // Assert
      const written = mocks.lambda
        .commandCalls(UpdateFunctionConfigurationCommand)
        .map((c) => c.args[0].input.Environment?.Variables?.TRUSTED_POOLS);
      expect(written).toEqual([`${OLD},${NEW}`, NEW]);
    });

    it('still redeploys when the retry finds the final value already written by the attempt that died', async () => {
      // Arrange: the window closes; the secret is written, then the function dies before the redeploy is recorded.
      servicesUse(OLD, OLD_ARN);
      await switchServices(context(holding()));
      mocks.secrets
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ userPoolId: `${OLD},${NEW}`, region: 'eu-west-2' }) });
      mocks.ecs
        .on(DescribeServicesCommand)
        .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
      await expect(switchServices(context(holding()), false)).rejects.toThrow();
      serviceDeployment({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
      mocks.secrets
        .on(GetSecretValueCommand)
        .resolves({ SecretString: JSON.stringify({ userPoolId: NEW, region: 'eu-west-2' }) });
      forgetCalls();

      // Act
      await switchServices(context(holding()), false);

      // Assert
      expect(mocks.secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
      expect(mocks.ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
    });
  });

  it("sends nothing for another execution's switch, and waits for nothing", async () => {
    servicesUse(OLD, OLD_ARN);
    await switchServices(context(plan(), OTHER_EXECUTION));
    servicesUse(NEW, NEW_ARN);
    forgetCalls();

    const result = await switchServices(context(plan()));

    // The redeploy is an action: this execution makes its own, and waits for that one only.
    expect(result.changes.filter((c) => c.kind !== 'ecs-service').map((c) => c.changed)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(result.deployments).toHaveLength(1);
  });

  it('fills a templated value, such as the new pool ARN', async () => {
    servicesUse(OLD, OLD_ARN);
    const arnPlan = plan((p) => {
      p.services = [
        {
          name: 'reval',
          bindings: [{ kind: 'ssm-parameter', name: '/reval/arn', value: '{{newPool.userPoolArn}}' }],
        },
      ];
    });

    await switchServices(context(arnPlan));

    expect(mocks.ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/reval/arn', Value: NEW_ARN });
  });

  it('in a dry-run reports every binding as planned and sends nothing', async () => {
    servicesUse(OLD, OLD_ARN);
    const dryRun = plan((p) => {
      p.dryRun = true;
    });

    const result = await switchServices(context(dryRun));

    expect(mutations()).toEqual([]);
    expect(result.changes.map((c) => [c.service, c.kind, c.planned])).toEqual([
      ['reval', 'apigateway-authorizer', true],
      ['reval', 'ssm-parameter', true],
      ['usermanagement', 'secret', true],
      ['usermanagement', 'ecs-service', true],
      ['migration', 'lambda-environment', true],
    ]);
  });
});

describe('checkServices', () => {
  const redeploy = [
    { kind: 'ecs-deployment' as const, region: 'eu-west-2', cluster: 'tis-prod', service: 'usermanagement' },
  ];
  const since = '2025-01-01T00:00:00.000Z';
  const at = (seconds: number) => useClock(() => Date.parse(since) + seconds * 1000);

  afterEach(() => useClock(undefined));

  it('is settled once the redeploy is COMPLETED', async () => {
    serviceDeployment({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
    at(60);

    const result = await checkServices(redeploy, since);

    expect(result).toEqual({
      settled: true,
      statuses: [{ service: 'tis-prod/usermanagement', status: 'COMPLETED' }],
    });
    expect(mocks.ecs).toHaveReceivedCommandWith(DescribeServicesCommand, {
      cluster: 'tis-prod',
      services: ['usermanagement'],
    });
  });

  it('keeps waiting while IN_PROGRESS', async () => {
    serviceDeployment({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    at(60);

    expect((await checkServices(redeploy, since)).settled).toBe(false);
  });

  it('fails with ServiceNotStable when the redeploy FAILED', async () => {
    serviceDeployment({ status: 'PRIMARY', rolloutState: 'FAILED' });
    at(60);

    await expect(checkServices(redeploy, since)).rejects.toBeInstanceOf(ServiceNotStable);
  });

  it('fails with ServiceNotStable when still IN_PROGRESS after the limit', async () => {
    serviceDeployment({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    at(1201);

    await expect(checkServices(redeploy, since)).rejects.toThrow(/not complete after 1200 s/);
  });
  describe('a Lambda function update', () => {
    const update = { kind: 'lambda-update' as const, region: 'eu-west-2', functionName: 'reval-prod-api' };
    const status = (LastUpdateStatus: 'InProgress' | 'Successful' | 'Failed', extra: object = {}) =>
      mocks.lambda
        .on(GetFunctionConfigurationCommand)
        .resolves({ LastUpdateStatus, RevisionId: 'rev-7', ...extra });

    it('keeps waiting while the update is InProgress, and publishes nothing yet', async () => {
      status('InProgress');
      at(10);

      const result = await checkServices([{ ...update, alias: 'live' }], since);

      expect(result.settled).toBe(false);
      expect(mocks.lambda).not.toHaveReceivedCommand(PublishVersionCommand);
    });

    it('is settled once Successful', async () => {
      status('Successful');
      at(10);

      const result = await checkServices([update], since);

      expect(result).toEqual({
        settled: true,
        statuses: [{ service: 'Lambda function reval-prod-api', status: 'COMPLETED' }],
      });
      expect(mocks.lambda).not.toHaveReceivedCommand(PublishVersionCommand);
    });

    it('then publishes the revision it read and moves the alias to that version', async () => {
      status('Successful');
      mocks.lambda.on(PublishVersionCommand).resolves({ Version: '8' });
      at(10);

      const result = await checkServices([{ ...update, alias: 'live' }], since);

      expect(result.settled).toBe(true);
      expect(mocks.lambda).toHaveReceivedCommandWith(PublishVersionCommand, {
        FunctionName: 'reval-prod-api',
        RevisionId: 'rev-7',
      });
      expect(mocks.lambda).toHaveReceivedCommandWith(UpdateAliasCommand, {
        FunctionName: 'reval-prod-api',
        Name: 'live',
        FunctionVersion: '8',
      });
    });

    it('fails with ServiceNotStable naming the reason Lambda gives when the update Failed', async () => {
      status('Failed', {
        LastUpdateStatusReasonCode: 'SubnetOutOfIPAddresses',
        LastUpdateStatusReason: 'No free IP addresses in subnet-1',
      });
      at(10);

      await expect(checkServices([update], since)).rejects.toThrow(
        /reval-prod-api \(SubnetOutOfIPAddresses: No free IP addresses in subnet-1\)/,
      );
    });
  });
});
