import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetAuthorizerCommand,
  GetStageCommand,
  NotFoundException,
  UpdateAuthorizerCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceNotFound } from '../../src/errors.ts';
import { apigatewayAuthorizer } from '../../src/resources/apigateway-authorizer.ts';

const apigw = mockClient(APIGatewayClient);
const region = 'eu-west-2';
const ref = { restApiId: 'rv0api', authorizerId: 'a1', stageName: 'prod' };
const oldPool = 'arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_OldPool01';
const newPool = 'arn:aws:cognito-idp:eu-west-2:123456789012:userpool/eu-west-2_NewPool01';

beforeEach(() => {
  apigw.reset();
  apigw.on(GetStageCommand).resolves({ stageName: 'prod' });
  apigw.on(UpdateAuthorizerCommand).resolves({});
  apigw.on(CreateDeploymentCommand).resolves({ id: 'dep1' });
});

describe('apigatewayAuthorizer.read', () => {
  it('reads the provider ARNs, sorted', async () => {
    apigw.on(GetAuthorizerCommand).resolves({ id: 'a1', providerARNs: [oldPool, newPool] });

    const state = await apigatewayAuthorizer.read(region, ref);

    expect(state).toEqual({ providerARNs: [newPool, oldPool] });
    expect(apigw).toHaveReceivedCommandExactlyOnceWith(GetAuthorizerCommand, {
      restApiId: 'rv0api',
      authorizerId: 'a1',
    });
  });

  it('raises ResourceNotFound when the stage does not exist', async () => {
    apigw.on(GetAuthorizerCommand).resolves({ id: 'a1', providerARNs: [oldPool] });
    apigw
      .on(GetStageCommand)
      .rejects(new NotFoundException({ message: 'Invalid stage identifier', $metadata: {} }));

    await expect(apigatewayAuthorizer.read(region, ref)).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe('apigatewayAuthorizer.write', () => {
  it('adds the new pool before removing the old one, then deploys', async () => {
    await apigatewayAuthorizer.write(region, ref, { providerARNs: [newPool] }, { providerARNs: [oldPool] });

    const sent = apigw.calls().map((call) => call.args[0]);
    expect(sent.map((command) => command.constructor)).toEqual([
      UpdateAuthorizerCommand,
      CreateDeploymentCommand,
    ]);
    expect(sent.map((command) => command.input)).toEqual([
      {
        restApiId: 'rv0api',
        authorizerId: 'a1',
        patchOperations: [
          { op: 'add', path: '/providerARNs', value: newPool },
          { op: 'remove', path: '/providerARNs', value: oldPool },
        ],
      },
      { restApiId: 'rv0api', stageName: 'prod', description: 'cognito-cutover: authorizer a1 user pools' },
    ]);
  });

  it('leaves ARNs in both states alone', async () => {
    await apigatewayAuthorizer.write(
      region,
      ref,
      { providerARNs: [newPool, oldPool] },
      { providerARNs: [oldPool] },
    );

    const [call] = apigw.commandCalls(UpdateAuthorizerCommand);
    expect(call?.args[0].input.patchOperations).toEqual([
      { op: 'add', path: '/providerARNs', value: newPool },
    ]);
  });
});
