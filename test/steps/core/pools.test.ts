import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { fillTemplate, poolFacts } from '../../../src/steps/core/pools.ts';
import { mocks, planWith } from '../aws-mocks.ts';

const plan = planWith();

describe('poolFacts', () => {
  it("reads both pool ARNs and the new pool's triggers from Cognito, in one call per pool", async () => {
    mocks.cognito.on(DescribeUserPoolCommand, { UserPoolId: 'eu-west-2_OldPool01' }).resolves({
      UserPool: { Arn: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_OldPool01' },
    });
    mocks.cognito.on(DescribeUserPoolCommand, { UserPoolId: 'eu-west-2_NewPool01' }).resolves({
      UserPool: {
        Arn: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01',
        LambdaConfig: { UserMigration: 'arn:aws:lambda:eu-west-2:111122223333:function:migrate' },
      },
    });

    expect(await poolFacts(plan)).toMatchObject({
      oldPoolArn: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_OldPool01',
      newPoolArn: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01',
      newPoolTriggers: { UserMigration: 'arn:aws:lambda:eu-west-2:111122223333:function:migrate' },
    });
    expect(mocks.cognito).toHaveReceivedCommandTimes(DescribeUserPoolCommand, 2);
  });
});

describe('fillTemplate', () => {
  const pools = { oldPoolArn: 'arn:old', newPoolArn: 'arn:new' };

  it('fills every placeholder, with or without spaces inside the braces', () => {
    const filled = fillTemplate(
      '{{newPool.userPoolId}}|{{ newPool.appClientId }}|{{newPool.userPoolArn}}',
      plan,
      pools,
    );

    expect(filled).toBe('eu-west-2_NewPool01|newpooladminuiclient|arn:new');
  });

  it('leaves a value without placeholders as it is', () => {
    expect(fillTemplate('eu-west-2_Fixed01', plan, pools)).toBe('eu-west-2_Fixed01');
  });
});
