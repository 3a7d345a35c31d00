import {
  BadRequestException,
  CreateDeploymentCommand,
  GetAuthorizerCommand,
  GetRestApiCommand,
  GetStageCommand,
  NotFoundException,
  UpdateAuthorizerCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { Sandbox } from '../../src/sandbox/index.ts';
import { ACCOUNT, NEW_POOL_ARN, OLD_POOL_ARN, REGION, samplePlan } from './plan.ts';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = Sandbox.fromPlan(samplePlan()).install();
});
afterEach(() => sandbox.uninstall());

const apiGateway = () => aws.apiGateway(REGION);
const denyWrites = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' },
    { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: ['execute-api:/*/POST/*'] },
  ],
};

describe('API Gateway in the sandbox', () => {
  it('starts with no resource policy on the frozen API', async () => {
    const api = await apiGateway().send(new GetRestApiCommand({ restApiId: 'um0api' }));

    expect(api.id).toBe('um0api');
    expect(api.policy).toBeUndefined();
  });

  it('returns a policy JSON-escaped, minified and with the execute-api shorthand expanded', async () => {
    await apiGateway().send(
      new UpdateRestApiCommand({
        restApiId: 'um0api',
        patchOperations: [{ op: 'replace', path: '/policy', value: JSON.stringify(denyWrites, null, 2) }],
      }),
    );

    const { policy = '' } = await apiGateway().send(new GetRestApiCommand({ restApiId: 'um0api' }));

    expect(policy.startsWith('{\\"Version\\":\\"2012-10-17\\"')).toBe(true);
    expect(() => JSON.parse(policy)).toThrow();
    const unescaped = JSON.parse(policy.replaceAll('\\"', '"').replaceAll('\\/', '/'));
    expect(unescaped.Statement[1].Resource).toEqual([
      `arn:aws:execute-api:${REGION}:${ACCOUNT}:um0api/*/POST/*`,
    ]);
  });

  it('removes the policy when it is replaced with an empty value', async () => {
    const replace = (value: string) =>
      apiGateway().send(
        new UpdateRestApiCommand({
          restApiId: 'um0api',
          patchOperations: [{ op: 'replace', path: '/policy', value }],
        }),
      );
    await replace(JSON.stringify(denyWrites));

    await replace('');

    expect((await apiGateway().send(new GetRestApiCommand({ restApiId: 'um0api' }))).policy).toBeUndefined();
  });

  it('adds and removes authorizer providers, and refuses to remove the last one', async () => {
    const patch = (op: 'add' | 'remove', value: string) =>
      apiGateway().send(
        new UpdateAuthorizerCommand({
          restApiId: 'rv0api',
          authorizerId: 'a1',
          patchOperations: [{ op, path: '/providerARNs', value }],
        }),
      );

    await patch('add', NEW_POOL_ARN);
    const both = await apiGateway().send(
      new GetAuthorizerCommand({ restApiId: 'rv0api', authorizerId: 'a1' }),
    );
    await patch('remove', OLD_POOL_ARN);
    const switched = await apiGateway().send(
      new GetAuthorizerCommand({ restApiId: 'rv0api', authorizerId: 'a1' }),
    );

    expect(both).toMatchObject({ type: 'COGNITO_USER_POOLS', providerARNs: [OLD_POOL_ARN, NEW_POOL_ARN] });
    expect(switched.providerARNs).toEqual([NEW_POOL_ARN]);
    await expect(patch('remove', NEW_POOL_ARN)).rejects.toBeInstanceOf(BadRequestException);
  });

  it('serves a change only once it is deployed to the stage', async () => {
    const before = await apiGateway().send(new GetStageCommand({ restApiId: 'rv0api', stageName: 'prod' }));
    await apiGateway().send(
      new UpdateAuthorizerCommand({
        restApiId: 'rv0api',
        authorizerId: 'a1',
        patchOperations: [{ op: 'add', path: '/providerARNs', value: NEW_POOL_ARN }],
      }),
    );
    const served = () => {
      const api = sandbox.world.restApis.get('rv0api');
      return api?.deployments.get(api.stages.get('prod')?.deploymentId ?? '')?.providerARNs.a1;
    };
    const undeployed = served();

    const deployment = await apiGateway().send(
      new CreateDeploymentCommand({ restApiId: 'rv0api', stageName: 'prod', description: 'cutover' }),
    );
    const after = await apiGateway().send(new GetStageCommand({ restApiId: 'rv0api', stageName: 'prod' }));

    expect(undeployed).toEqual([OLD_POOL_ARN]);
    expect(after.deploymentId).toBe(deployment.id);
    expect(after.deploymentId).not.toBe(before.deploymentId);
    expect(served()).toEqual([OLD_POOL_ARN, NEW_POOL_ARN]);
  });

  it('names unknown APIs, authorizers and stages with NotFoundException', async () => {
    const client = apiGateway();

    await expect(client.send(new GetRestApiCommand({ restApiId: 'nope' }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(
      client.send(new GetAuthorizerCommand({ restApiId: 'rv0api', authorizerId: 'zz' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      client.send(new GetStageCommand({ restApiId: 'rv0api', stageName: 'dev' })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});
