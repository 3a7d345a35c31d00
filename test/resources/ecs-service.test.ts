import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceNotFound } from '../../src/errors.ts';
import { deploymentStatus } from '../../src/resources/ecs-deployment.ts';
import { ecsService } from '../../src/resources/ecs-service.ts';

const ecs = mockClient(ECSClient);
const region = 'eu-west-2';
const ref = { cluster: 'prod', service: 'usermanagement' };
const taskDefinition = 'arn:aws:ecs:eu-west-2:123456789012:task-definition/usermanagement:7';

beforeEach(() => {
  ecs.reset();
});

describe('ecsService.read', () => {
  it('reads the task definition and desired count', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'usermanagement', status: 'ACTIVE', taskDefinition, desiredCount: 2 }],
      failures: [],
    });

    expect(await ecsService.read(region, ref)).toEqual({ taskDefinition, desiredCount: 2 });
    expect(ecs).toHaveReceivedCommandExactlyOnceWith(DescribeServicesCommand, {
      cluster: 'prod',
      services: ['usermanagement'],
    });
  });

  it('raises ResourceNotFound naming the service when ECS reports it MISSING', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [],
      failures: [
        { arn: 'arn:aws:ecs:eu-west-2:123456789012:service/prod/usermanagement', reason: 'MISSING' },
      ],
    });

    await expect(ecsService.read(region, ref)).rejects.toThrow(
      new ResourceNotFound('ECS service prod/usermanagement not found (MISSING)'),
    );
  });

  it('raises ResourceNotFound for a deleted (INACTIVE) service', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ serviceName: 'usermanagement', status: 'INACTIVE', taskDefinition, desiredCount: 0 }],
    });

    await expect(ecsService.read(region, ref)).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe('ecsService.write', () => {
  it('forces a new deployment and returns it to wait on', async () => {
    ecs.on(UpdateServiceCommand).resolves({});

    const pending = await ecsService.write(
      region,
      ref,
      { taskDefinition, desiredCount: 2 },
      { taskDefinition, desiredCount: 2 },
    );

    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: 'prod', service: 'usermanagement', forceNewDeployment: true },
    ]);
    expect(pending).toEqual([{ kind: 'ecs-deployment', region, cluster: 'prod', service: 'usermanagement' }]);
  });
});

describe('deploymentStatus', () => {
  const withDeployments = (deployments: object[]) =>
    ecs
      .on(DescribeServicesCommand)
      .resolves({ services: [{ status: 'ACTIVE', taskDefinition, deployments }] });

  it.each([
    'IN_PROGRESS',
    'COMPLETED',
    'FAILED',
  ] as const)('is the PRIMARY rollout state %s', async (rolloutState) => {
    withDeployments([
      { status: 'PRIMARY', rolloutState, desiredCount: 2, runningCount: 1 },
      { status: 'ACTIVE', rolloutState: 'COMPLETED', desiredCount: 2, runningCount: 2 },
    ]);

    expect(await deploymentStatus(region, ref)).toBe(rolloutState);
  });

  it('without a rollout state, is COMPLETED once the only deployment runs every task', async () => {
    withDeployments([{ status: 'PRIMARY', desiredCount: 2, runningCount: 2 }]);

    expect(await deploymentStatus(region, ref)).toBe('COMPLETED');
  });

  it('without a rollout state, is IN_PROGRESS while an old deployment remains', async () => {
    withDeployments([
      { status: 'PRIMARY', desiredCount: 2, runningCount: 2 },
      { status: 'ACTIVE', desiredCount: 2, runningCount: 1 },
    ]);

    expect(await deploymentStatus(region, ref)).toBe('IN_PROGRESS');
  });

  it('without a rollout state, is IN_PROGRESS while tasks are still starting', async () => {
    withDeployments([{ status: 'PRIMARY', desiredCount: 2, runningCount: 1 }]);

    expect(await deploymentStatus(region, ref)).toBe('IN_PROGRESS');
  });
});
