import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetRestApiCommand,
  GetStageCommand,
  NotFoundException,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceNotFound } from '../../src/errors.ts';
import { apigatewayPolicy, frozenPolicy } from '../../src/resources/apigateway-policy.ts';

const apigw = mockClient(APIGatewayClient);
const region = 'eu-west-2';
const ref = { restApiId: 'um0api', stageName: 'prod' };

const ipPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: '*',
      Action: 'execute-api:Invoke',
      Resource: 'arn:aws:execute-api:eu-west-2:123456789012:um0api/*',
    },
  ],
};
/** `ipPolicy` as GetRestApi returns it: quotes and slashes backslash-escaped. */
const ipPolicyAsReturned = String.raw`{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:eu-west-2:123456789012:um0api\/*\"}]}`;

beforeEach(() => {
  apigw.reset();
  apigw.on(GetStageCommand).resolves({ stageName: 'prod' });
});

describe('apigatewayPolicy.read', () => {
  it('unescapes the policy GetRestApi returns into canonical JSON', async () => {
    apigw.on(GetRestApiCommand).resolves({ id: 'um0api', policy: ipPolicyAsReturned });

    const state = await apigatewayPolicy.read(region, ref);

    expect(state).toEqual({ policy: JSON.stringify(ipPolicy) });
    expect(apigw).toHaveReceivedCommandExactlyOnceWith(GetRestApiCommand, { restApiId: 'um0api' });
    expect(apigw).toHaveReceivedCommandExactlyOnceWith(GetStageCommand, {
      restApiId: 'um0api',
      stageName: 'prod',
    });
  });

  it('is null when the API has no policy', async () => {
    apigw.on(GetRestApiCommand).resolves({ id: 'um0api' });

    expect(await apigatewayPolicy.read(region, ref)).toEqual({ policy: null });
  });

  it('raises ResourceNotFound when the stage does not exist', async () => {
    apigw.on(GetRestApiCommand).resolves({ id: 'um0api' });
    apigw
      .on(GetStageCommand)
      .rejects(new NotFoundException({ message: 'Invalid stage identifier', $metadata: {} }));

    await expect(apigatewayPolicy.read(region, ref)).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe('apigatewayPolicy.write', () => {
  it('replaces the policy, then deploys the stage so it takes effect', async () => {
    apigw.on(UpdateRestApiCommand).resolves({});
    apigw.on(CreateDeploymentCommand).resolves({ id: 'dep1' });

    await apigatewayPolicy.write(region, ref, { policy: '{"Version":"2012-10-17"}' }, { policy: null });

    const sent = apigw.calls().map((call) => call.args[0]);
    expect(sent.map((command) => command.constructor)).toEqual([
      UpdateRestApiCommand,
      CreateDeploymentCommand,
    ]);
    expect(sent.map((command) => command.input)).toEqual([
      {
        restApiId: 'um0api',
        patchOperations: [{ op: 'replace', path: '/policy', value: '{"Version":"2012-10-17"}' }],
      },
      { restApiId: 'um0api', stageName: 'prod', description: 'cognito-cutover: resource policy' },
    ]);
  });

  it('removes the policy by replacing it with an empty one', async () => {
    apigw.on(UpdateRestApiCommand).resolves({});
    apigw.on(CreateDeploymentCommand).resolves({ id: 'dep2' });

    await apigatewayPolicy.write(region, ref, { policy: null }, { policy: '{}' });

    expect(apigw).toHaveReceivedCommandWith(UpdateRestApiCommand, {
      patchOperations: [{ op: 'replace', path: '/policy', value: '' }],
    });
    expect(apigw).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
  });
});

describe('frozenPolicy', () => {
  const freeze = {
    Sid: 'CognitoCutoverWriteFreeze',
    Effect: 'Deny',
    Principal: '*',
    Action: 'execute-api:Invoke',
    Resource: ['execute-api:/*/POST/*', 'execute-api:/*/DELETE/*'],
  };

  it('without a policy, allows everything but denies the write methods', () => {
    const policy = JSON.parse(frozenPolicy(null, ['POST', 'DELETE']));

    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CognitoCutoverAllowAll',
          Effect: 'Allow',
          Principal: '*',
          Action: 'execute-api:Invoke',
          Resource: 'execute-api:/*',
        },
        freeze,
      ],
    });
  });

  it('adds the deny to an existing policy and keeps its statements', () => {
    const policy = JSON.parse(frozenPolicy(JSON.stringify(ipPolicy), ['POST', 'DELETE']));

    expect(policy).toEqual({ ...ipPolicy, Statement: [...ipPolicy.Statement, freeze] });
  });

  it('changes nothing when applied to its own result', () => {
    const once = frozenPolicy(JSON.stringify(ipPolicy), ['POST', 'DELETE']);

    expect(frozenPolicy(once, ['POST', 'DELETE'])).toBe(once);
  });

  it('changes nothing once API Gateway has expanded the deny to full ARNs', () => {
    const stored = JSON.stringify({
      ...ipPolicy,
      Statement: [
        ...ipPolicy.Statement,
        {
          ...freeze,
          Resource: [
            'arn:aws:execute-api:eu-west-2:123456789012:um0api/*/POST/*',
            'arn:aws:execute-api:eu-west-2:123456789012:um0api/*/DELETE/*',
          ],
        },
      ],
    });

    expect(frozenPolicy(stored, ['POST', 'DELETE'])).toBe(stored);
  });

  it('replaces a deny for other methods instead of adding a second one', () => {
    const earlier = frozenPolicy(JSON.stringify(ipPolicy), ['PUT']);

    const policy = JSON.parse(frozenPolicy(earlier, ['POST', 'DELETE']));

    expect(policy.Statement).toEqual([...ipPolicy.Statement, freeze]);
  });
});
