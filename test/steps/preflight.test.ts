import { readFileSync } from 'node:fs';
import { GetAuthorizerCommand, GetRestApiCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  type UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AwsTransient, PreflightFailed } from '../../src/errors.ts';
import { EXECUTION_TIMEOUT_SECONDS, preflight, ttlBudget } from '../../src/steps/preflight.ts';
import { CANARY, canaryAnswers, context, mocks, mutations, planWith } from './aws-mocks.ts';

const failure = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });

const NEW_POOL_ARN = 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01';
const MIGRATION_ROLE = 'arn:aws:iam::111122223333:role/migrate-user';
const MIGRATION_FN_ARN = 'arn:aws:lambda:eu-west-2:111122223333:function:cognito-cutover-prod-userMigration';
const CLAIMS_FN_ARN =
  'arn:aws:lambda:eu-west-2:111122223333:function:cognito-cutover-prod-preTokenGeneration';
const cognitoMayInvoke = (poolArn: string) =>
  JSON.stringify({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'cognito-idp.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: { ArnLike: { 'AWS:SourceArn': poolArn } },
      },
    ],
  });

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

/** Both pools' schema and username settings, alike: the new pool can hold the old pool's users. */
const POOL = {
  SchemaAttributes: [
    { Name: 'sub', AttributeDataType: 'String', Required: true, Mutable: false },
    { Name: 'email', AttributeDataType: 'String', Required: true },
    {
      Name: 'custom:legacy_sub',
      AttributeDataType: 'String',
      StringAttributeConstraints: { MaxLength: '64' },
    },
  ],
  UsernameConfiguration: { CaseSensitive: false },
  MfaConfiguration: 'OFF',
} satisfies UserPoolType;

// Every resource of the example plan exists and is readable; each test breaks what it is about.
beforeEach(() => {
  mocks.cognito.on(DescribeUserPoolCommand).resolves({
    UserPool: {
      ...POOL,
      Arn: NEW_POOL_ARN,
      LambdaConfig: { UserMigration: MIGRATION_FN_ARN, PreTokenGeneration: CLAIMS_FN_ARN },
    },
  });
  mocks.cognito.on(DescribeUserPoolClientCommand).resolves({
    UserPoolClient: { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'] },
  });
  mocks.cognito.on(ListGroupsCommand).resolves({ Groups: [{ GroupName: 'admins' }] });
  mocks.cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'web' }] });
  mocks.lambda.on(GetPolicyCommand).resolves({ Policy: cognitoMayInvoke(NEW_POOL_ARN) });
  mocks.lambda.on(GetFunctionConfigurationCommand).resolves({ Role: MIGRATION_ROLE });
  mocks.iam.on(SimulatePrincipalPolicyCommand).callsFake((input: { ActionNames: string[] }) => ({
    EvaluationResults: input.ActionNames.map((EvalActionName) => ({
      EvalActionName,
      EvalDecision: 'allowed',
    })),
  }));
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
  canaryAnswers();
});

describe('preflight', () => {
  it('passes when everything the plan names exists, and changes nothing', async () => {
    const { checks } = await preflight(context());

    expect(checks.every((c) => c.ok)).toBe(true);
    expect(checks.map((c) => c.field)).toEqual([
      'oldPool.userPoolId / newPool.userPoolId',
      'newPool.migrationFunctionName',
      'newPool.migrationFunctionName',
      'newPool.preTokenGenerationFunctionName',
      'newPool.preTokenGenerationFunctionName',
      'newPool.migrationFunctionName',
      'newPool.userPoolId',
      'newPool.userPoolId',
      'newPool.acceptUsernameDifference',
      'oldPool.userPoolId',
      'newPool.userPoolId',
      'services[1].roleArn',
      'grace',
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
      'health.checks[3]',
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
    mocks.secrets
      .on(GetSecretValueCommand, { SecretId: 'usermanagement-cognito-prod' })
      .rejects(failure('ResourceNotFoundException'));
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
    mocks.secrets
      .on(GetSecretValueCommand, { SecretId: 'usermanagement-cognito-prod' })
      .resolves({ SecretString: 'eu-west-2_OldPool01' });

    expect(await problems()).toEqual([
      expect.stringContaining('is not a JSON object but the plan sets jsonKey userPoolId'),
    ]);
  });

  describe('the canary of the cognito-sign-in check', () => {
    it('is ready when its secret names a confirmed, enabled user of the old pool', async () => {
      const { checks } = await preflight(context());

      expect(checks.find((c) => c.field === 'health.checks[3]')).toMatchObject({
        ok: true,
        detail: `canary ${CANARY.username} of the old pool`,
      });
      expect(mocks.cognito).toHaveReceivedCommandWith(AdminGetUserCommand, {
        UserPoolId: 'eu-west-2_OldPool01',
        Username: CANARY.username,
      });
    });

    it('names a secret that does not hold a username and password, without echoing it', async () => {
      mocks.secrets
        .on(GetSecretValueCommand, { SecretId: 'tis-cutover-canary' })
        .resolves({ SecretString: '{"user":"x","pass":"hunter2-secret"}' });

      const [problem] = await problems();

      expect(problem).toContain(
        'secret tis-cutover-canary must hold JSON {"username": "...", "password": "..."}',
      );
      expect(problem).not.toContain('hunter2-secret');
    });

    it('says to create the canary in the old pool when it is not there', async () => {
      mocks.cognito.on(AdminGetUserCommand).rejects(failure('UserNotFoundException'));

      expect(await problems()).toEqual([
        expect.stringContaining(
          `canary ${CANARY.username} is not a user of the old pool eu-west-2_OldPool01: create it there`,
        ),
      ]);
    });

    it('says how to fix a canary that cannot sign in', async () => {
      mocks.cognito
        .on(AdminGetUserCommand)
        .resolves({ Username: CANARY.username, Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });

      expect(await problems()).toEqual([
        expect.stringContaining(
          'is FORCE_CHANGE_PASSWORD in the old pool: enable it and give it a permanent password',
        ),
      ]);
    });

    it('never signs the canary in: preflight changes nothing', async () => {
      await preflight(context());

      expect(mocks.cognito).not.toHaveReceivedCommand(InitiateAuthCommand);
      expect(mocks.cognito).not.toHaveReceivedCommand(AdminDeleteUserCommand);
    });
  });

  it('refuses a record whose TTL could not be waited out within the execution timeout, saying how to lower it', async () => {
    mocks.route53.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        {
          Name: 'admin.tis.example.org.',
          Type: 'A',
          TTL: 86_400,
          ResourceRecords: [{ Value: '192.0.2.10' }],
        },
      ],
    });

    expect(await problems()).toEqual([
      expect.stringContaining(
        "the record's TTL of 86400 s would be waited out before the switch, and with the approval and the health gate that outlasts the cutover's 21600 s limit: lower its TTL to 60 s at least 86400 s before the cutover",
      ),
    ]);
  });

  it('budgets the TTL drain against the execution timeout the state machine really has', () => {
    const asl = parse(readFileSync('statemachines/cutover.asl.yml', 'utf8')) as { TimeoutSeconds: number };

    expect(EXECUTION_TIMEOUT_SECONDS).toBe(asl.TimeoutSeconds);
    // The example: 6 h less a 30 min approval, a 1 h health deadline and 30 min for the rest.
    expect(ttlBudget(planWith())).toBe(14_400);
  });

  it('raises throttling instead of reporting it, so the state machine retries', async () => {
    mocks.sns.on(GetTopicAttributesCommand).rejects(failure('ThrottlingException'));

    await expect(preflight(context())).rejects.toBeInstanceOf(AwsTransient);
  });

  describe('the migration wiring the reference incident lacked', () => {
    it('names the missing invoke permission: principal, pool ARN and the command that grants it', async () => {
      mocks.lambda.on(GetPolicyCommand).rejects(failure('ResourceNotFoundException'));

      const [problem] = await problems();

      expect(problem).toContain(
        'cognito-idp.amazonaws.com may not invoke cognito-cutover-prod-userMigration',
      );
      expect(problem).toContain(`--principal cognito-idp.amazonaws.com --source-arn ${NEW_POOL_ARN}`);
    });

    it('names the role, the action it may not call on the old pool, and the statement to add', async () => {
      mocks.iam.on(SimulatePrincipalPolicyCommand).resolves({
        EvaluationResults: [
          { EvalActionName: 'cognito-idp:AdminInitiateAuth', EvalDecision: 'implicitDeny' },
          { EvalActionName: 'cognito-idp:AdminGetUser', EvalDecision: 'allowed' },
        ],
      });

      const [problem] = await problems();

      expect(mocks.iam).toHaveReceivedCommandWith(SimulatePrincipalPolicyCommand, {
        PolicySourceArn: MIGRATION_ROLE,
        ActionNames: [
          'cognito-idp:AdminInitiateAuth',
          'cognito-idp:AdminGetUser',
          'cognito-idp:DescribeUserPoolClient',
        ],
      });
      expect(problem).toContain(`role ${MIGRATION_ROLE} may not call cognito-idp:AdminInitiateAuth`);
      expect(problem).toContain(
        '"Action":["cognito-idp:AdminInitiateAuth","cognito-idp:AdminGetUser","cognito-idp:DescribeUserPoolClient"]',
      );
    });

    it('refuses a permission granted to another pool', async () => {
      mocks.lambda
        .on(GetPolicyCommand, { FunctionName: 'cognito-cutover-prod-userMigration' })
        .resolves({ Policy: cognitoMayInvoke(`${NEW_POOL_ARN}-other`) });

      expect(await problems()).toEqual([
        expect.stringContaining('may not invoke cognito-cutover-prod-userMigration'),
      ]);
    });

    it('checks the PreTokenGeneration function the plan names the same way', async () => {
      mocks.lambda
        .on(GetPolicyCommand, { FunctionName: 'cognito-cutover-prod-preTokenGeneration' })
        .rejects(failure('ResourceNotFoundException'));

      expect(await problems()).toEqual([
        expect.stringContaining(
          `may not invoke cognito-cutover-prod-preTokenGeneration for ${NEW_POOL_ARN}: run aws lambda add-permission --function-name cognito-cutover-prod-preTokenGeneration`,
        ),
      ]);
    });

    it('accepts PreTokenGeneration named in PreTokenGenerationConfig, as pools on the V2 event do', async () => {
      mocks.cognito.on(DescribeUserPoolCommand).resolves({
        UserPool: {
          ...POOL,
          Arn: NEW_POOL_ARN,
          LambdaConfig: {
            UserMigration: MIGRATION_FN_ARN,
            PreTokenGenerationConfig: { LambdaArn: CLAIMS_FN_ARN, LambdaVersion: 'V2_0' },
          },
        },
      });

      expect(await problems()).toEqual([]);
    });

    it('names a trigger that points elsewhere', async () => {
      mocks.cognito
        .on(DescribeUserPoolCommand)
        .resolves({ UserPool: { ...POOL, Arn: NEW_POOL_ARN, LambdaConfig: {} } });

      expect(await problems()).toEqual([
        expect.stringContaining(
          "the new pool's UserMigration trigger is not set: set it to cognito-cutover-prod-userMigration",
        ),
        expect.stringContaining(
          "the new pool's PreTokenGeneration trigger is not set: set it to cognito-cutover-prod-preTokenGeneration",
        ),
      ]);
    });

    it('says an SRP-only app client migrates nobody, and how to fix it', async () => {
      mocks.cognito
        .on(DescribeUserPoolClientCommand, { ClientId: 'newpooladminuiclient' })
        .resolves({ UserPoolClient: { ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] } });

      expect(await problems()).toEqual([
        expect.stringContaining(
          'enable ALLOW_USER_PASSWORD_AUTH (SRP sends no password to the migration trigger',
        ),
      ]);
    });

    it('warns, without failing, when PreventUserExistenceErrors hides the real error', async () => {
      mocks.cognito.on(DescribeUserPoolClientCommand).resolves({
        UserPoolClient: {
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
          PreventUserExistenceErrors: 'ENABLED',
        },
      });

      const { checks } = await preflight(context());

      expect(checks.find((c) => c.field === 'newPool.appClientId')).toMatchObject({
        ok: true,
        detail: expect.stringContaining('PreventUserExistenceErrors is on'),
      });
    });
  });
});
