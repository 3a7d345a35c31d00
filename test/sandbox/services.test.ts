import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  AdminAddUserToGroupCommand,
  AdminListGroupsForUserCommand,
  InvalidParameterException as CognitoInvalidParameter,
  ResourceNotFoundException as CognitoNotFound,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  ServiceNotFoundException,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  PublishVersionCommand,
  ResourceConflictException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import {
  GetTopicAttributesCommand,
  InvalidParameterException,
  NotFoundException,
  PublishCommand,
} from '@aws-sdk/client-sns';
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as aws from '../../src/aws/aws.ts';
import { SANDBOX_SECRET_MARK, Sandbox } from '../../src/sandbox/index.ts';
import { ACCOUNT, NEW_POOL, OLD_POOL, REGION, samplePlan } from './plan.ts';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = Sandbox.fromPlan(samplePlan()).install();
});
afterEach(() => sandbox.uninstall());

describe('SSM in the sandbox', () => {
  const NAME = '/reval/prod/cognito-user-pool-id';

  it('holds bindings at the old pool id and freeze flags at false', async () => {
    const ssm = aws.ssm(REGION);

    const binding = await ssm.send(new GetParameterCommand({ Name: NAME }));
    const flag = await ssm.send(new GetParameterCommand({ Name: '/usermanagement/prod/under-maintenance' }));

    expect(binding.Parameter).toMatchObject({ Name: NAME, Value: OLD_POOL, Type: 'String', Version: 1 });
    expect(flag.Parameter?.Value).toBe('false');
  });

  it('puts only with Overwrite, deletes, and logs which calls mutated', async () => {
    const ssm = aws.ssm(REGION);

    const refused = ssm.send(new PutParameterCommand({ Name: NAME, Value: NEW_POOL, Type: 'String' }));
    await expect(refused).rejects.toBeInstanceOf(ParameterAlreadyExists);
    const put = await ssm.send(
      new PutParameterCommand({ Name: NAME, Value: NEW_POOL, Type: 'String', Overwrite: true }),
    );
    const read = await ssm.send(new GetParameterCommand({ Name: NAME }));
    await ssm.send(new DeleteParameterCommand({ Name: NAME }));

    expect(put.Version).toBe(2);
    expect(read.Parameter?.Value).toBe(NEW_POOL);
    await expect(ssm.send(new GetParameterCommand({ Name: NAME }))).rejects.toBeInstanceOf(ParameterNotFound);
    await expect(ssm.send(new DeleteParameterCommand({ Name: NAME }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
    expect(sandbox.calls.map((c) => [c.command, c.mutating, c.error])).toEqual([
      ['PutParameter', true, 'ParameterAlreadyExists'],
      ['PutParameter', true, undefined],
      ['GetParameter', false, undefined],
      ['DeleteParameter', true, undefined],
      ['GetParameter', false, 'ParameterNotFound'],
      ['DeleteParameter', true, 'ParameterNotFound'],
    ]);
    expect(sandbox.mutatingCalls().map((c) => c.input)).toContainEqual({ Name: NAME });
  });
});

describe('Secrets Manager in the sandbox', () => {
  it('holds the old pool id, as JSON with the region when the binding names a key', async () => {
    const secrets = aws.secrets(REGION);

    const plain = await secrets.send(
      new GetSecretValueCommand({ SecretId: 'usermanagement-cognito-pool-id-prod' }),
    );
    const json = await secrets.send(new GetSecretValueCommand({ SecretId: 'usermanagement-cognito-prod' }));

    expect(plain.SecretString).toBe(OLD_POOL);
    expect(JSON.parse(json.SecretString ?? '')).toEqual({
      userPoolId: OLD_POOL,
      region: REGION,
      databasePassword: expect.stringContaining(SANDBOX_SECRET_MARK),
    });
  });

  it('creates a new version on PutSecretValue', async () => {
    const secrets = aws.secrets(REGION);
    const before = await secrets.send(
      new GetSecretValueCommand({ SecretId: 'usermanagement-cognito-pool-id-prod' }),
    );

    const put = await secrets.send(
      new PutSecretValueCommand({ SecretId: before.ARN ?? '', SecretString: NEW_POOL }),
    );
    const after = await secrets.send(
      new GetSecretValueCommand({ SecretId: 'usermanagement-cognito-pool-id-prod' }),
    );

    expect(put.VersionId).not.toBe(before.VersionId);
    expect(after).toMatchObject({ SecretString: NEW_POOL, VersionId: put.VersionId, ARN: before.ARN });
  });

  it('moves AWSCURRENT back to an earlier version only when told which version holds it now', async () => {
    // Arrange
    const secrets = aws.secrets(REGION);
    const SecretId = 'usermanagement-cognito-pool-id-prod';
    const before = await secrets.send(new GetSecretValueCommand({ SecretId }));
    const put = await secrets.send(new PutSecretValueCommand({ SecretId, SecretString: NEW_POOL }));
    const move = { SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: before.VersionId };

    // Act
    const refused = secrets.send(new UpdateSecretVersionStageCommand(move));
    await expect(refused).rejects.toThrow(/RemoveFromVersionId/);
    await secrets.send(new UpdateSecretVersionStageCommand({ ...move, RemoveFromVersionId: put.VersionId }));

    // Assert: the old text is current again, and the switched one is AWSPREVIOUS.
    const now = await secrets.send(new GetSecretValueCommand({ SecretId }));
    const described = await secrets.send(new DescribeSecretCommand({ SecretId }));
    expect(now).toMatchObject({ SecretString: OLD_POOL, VersionId: before.VersionId });
    expect(described.VersionIdsToStages).toEqual({
      [before.VersionId ?? '']: ['AWSCURRENT'],
      [put.VersionId ?? '']: ['AWSPREVIOUS'],
    });
  });
});

describe('Lambda in the sandbox', () => {
  it('holds the binding variables at their old values, beside unrelated ones', async () => {
    const out = await aws
      .lambda(REGION)
      .send(new GetFunctionConfigurationCommand({ FunctionName: 'reval-api' }));

    expect(out).toMatchObject({ FunctionName: 'reval-api', State: 'Active', LastUpdateStatus: 'Successful' });
    expect(out.Environment?.Variables).toEqual({
      COGNITO_USER_POOL_ID: OLD_POOL,
      COGNITO_CLIENT_ID: 'oldclient',
      LOG_LEVEL: 'INFO',
    });
  });

  it('replaces the whole variable set on update, as Lambda does', async () => {
    const lambda = aws.lambda(REGION);

    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:reval-api`,
        Environment: { Variables: { COGNITO_USER_POOL_ID: NEW_POOL } },
      }),
    );
    const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'reval-api' }));

    expect(out.Environment?.Variables).toEqual({ COGNITO_USER_POOL_ID: NEW_POOL });
  });

  it('keeps an update InProgress for a while, refusing a second update and a publish meanwhile', async () => {
    const lambda = aws.lambda(REGION);
    const update = (pool: string) =>
      lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'reval-api',
          Environment: { Variables: { COGNITO_USER_POOL_ID: pool } },
        }),
      );
    const status = async () =>
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'reval-api' })))
        .LastUpdateStatus;

    const started = await update(NEW_POOL);
    const during = await status();
    const second = update(OLD_POOL);
    const publish = lambda.send(new PublishVersionCommand({ FunctionName: 'reval-api' }));
    await expect(second).rejects.toBeInstanceOf(ResourceConflictException);
    await expect(publish).rejects.toThrow(/An update is in progress for resource/);
    sandbox.clock.advance(sandbox.world.functionUpdateSeconds);

    expect(started.LastUpdateStatus).toBe('InProgress');
    expect(during).toBe('InProgress');
    expect(await status()).toBe('Successful');
    await expect(update(OLD_POOL)).resolves.toMatchObject({ LastUpdateStatus: 'InProgress' });
  });
});

describe('Lambda versions and aliases in the sandbox', () => {
  beforeEach(() => {
    sandbox.uninstall();
    sandbox = Sandbox.fromPlan(samplePlan(), { functionAlias: 'live' }).install();
  });
  const served = async (qualifier: string) =>
    (
      await aws
        .lambda(REGION)
        .send(new GetFunctionConfigurationCommand({ FunctionName: 'reval-api', Qualifier: qualifier }))
    ).Environment?.Variables?.COGNITO_USER_POOL_ID;

  it('serves the published version through the alias while only $LATEST changes', async () => {
    await aws.lambda(REGION).send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'reval-api',
        Environment: { Variables: { COGNITO_USER_POOL_ID: NEW_POOL } },
      }),
    );

    expect(await served('$LATEST')).toBe(NEW_POOL);
    expect(await served('live')).toBe(OLD_POOL);
    expect(await served('1')).toBe(OLD_POOL);
  });

  it('publishes $LATEST as a new version once, and moves the alias to it', async () => {
    const lambda = aws.lambda(REGION);
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'reval-api',
        Environment: { Variables: { COGNITO_USER_POOL_ID: NEW_POOL } },
      }),
    );
    sandbox.clock.advance(sandbox.world.functionUpdateSeconds);

    const published = await lambda.send(new PublishVersionCommand({ FunctionName: 'reval-api' }));
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: 'reval-api' }));
    await lambda.send(
      new UpdateAliasCommand({ FunctionName: 'reval-api', Name: 'live', FunctionVersion: '2' }),
    );
    const aliases = await lambda.send(new ListAliasesCommand({ FunctionName: 'reval-api' }));

    expect([published.Version, again.Version]).toEqual(['2', '2']);
    expect(aliases.Aliases?.map((a) => [a.Name, a.FunctionVersion])).toEqual([['live', '2']]);
    expect(await served('live')).toBe(NEW_POOL);
    await expect(
      lambda.send(new UpdateAliasCommand({ FunctionName: 'reval-api', Name: 'live', FunctionVersion: '9' })),
    ).rejects.toThrow(/Function not found/);
  });
});

describe('ECS in the sandbox', () => {
  const describeService = async () =>
    (
      await aws
        .ecs(REGION)
        .send(new DescribeServicesCommand({ cluster: 'prod', services: ['usermanagement'] }))
    ).services?.[0];

  it('rolls out a forced deployment that completes after the stabilisation time', async () => {
    await aws
      .ecs(REGION)
      .send(
        new UpdateServiceCommand({ cluster: 'prod', service: 'usermanagement', forceNewDeployment: true }),
      );

    const rolling = await describeService();
    sandbox.clock.advance(5);
    const stable = await describeService();

    expect(rolling?.deployments?.map((d) => [d.status, d.rolloutState])).toEqual([
      ['PRIMARY', 'IN_PROGRESS'],
      ['ACTIVE', 'COMPLETED'],
    ]);
    expect(stable?.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount])).toEqual([
      ['PRIMARY', 'COMPLETED', 2],
    ]);
    expect(stable?.deployments?.[0]?.id).toBe(rolling?.deployments?.[0]?.id);
  });

  it('reports unknown services as failures and unknown clusters and services as exceptions', async () => {
    const ecs = aws.ecs(REGION);

    const out = await ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['usermanagement', 'ghost'] }),
    );

    expect(out.services?.map((s) => s.serviceName)).toEqual(['usermanagement']);
    expect(out.failures).toEqual([
      { arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/ghost`, reason: 'MISSING' },
    ]);
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'dev', services: ['x'] })),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'ghost', forceNewDeployment: true })),
    ).rejects.toBeInstanceOf(ServiceNotFoundException);
  });
});

describe('Cognito in the sandbox', () => {
  it('wires the new pool to the migration function and gives each client its flows', async () => {
    const cognito = aws.cognito(REGION);

    const pool = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: NEW_POOL }));
    const app = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: NEW_POOL, ClientId: 'newclient' }),
    );
    const migration = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: OLD_POOL, ClientId: 'oldclient' }),
    );

    expect(pool.UserPool?.LambdaConfig?.UserMigration).toBe(
      `arn:aws:lambda:${REGION}:${ACCOUNT}:function:cutover-prod-migrateUser`,
    );
    expect(app.UserPoolClient?.ExplicitAuthFlows).toEqual([
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    expect(migration.UserPoolClient?.ExplicitAuthFlows).toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
    await expect(
      cognito.send(new DescribeUserPoolCommand({ UserPoolId: 'eu-west-2_Nope' })),
    ).rejects.toBeInstanceOf(CognitoNotFound);
  });
});

describe('SNS and CloudWatch in the sandbox', () => {
  const users = `arn:aws:sns:${REGION}:${ACCOUNT}:users`;

  it('records published messages and refuses what SNS refuses', async () => {
    const sns = aws.sns(REGION);
    sandbox.clock.advance(30);

    await sns.send(
      new PublishCommand({ TopicArn: users, Subject: 'Cutover starts', Message: 'Sign-in moves now.' }),
    );

    expect(sandbox.messages).toEqual([
      {
        topicArn: users,
        subject: 'Cutover starts',
        message: 'Sign-in moves now.',
        at: Date.parse('2026-01-15T09:00:30Z'),
      },
    ]);
    await expect(
      sns.send(new PublishCommand({ TopicArn: users, Subject: 'Cutover — starts', Message: 'x' })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      sns.send(new GetTopicAttributesCommand({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:nope` })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('reads alarms OK while healthy and ALARM while unhealthy, leaving unknown names out', async () => {
    const read = async () =>
      (
        await aws
          .cloudWatch(REGION)
          .send(new DescribeAlarmsCommand({ AlarmNames: ['usermanagement-5xx', 'ghost'] }))
      ).MetricAlarms?.map((a) => [a.AlarmName, a.StateValue]);

    const healthy = await read();
    sandbox.unhealthy = true;
    const unhealthy = await read();

    expect(healthy).toEqual([['usermanagement-5xx', 'OK']]);
    expect(unhealthy).toEqual([['usermanagement-5xx', 'ALARM']]);
  });
});

describe('IAM in the sandbox', () => {
  const ROLE = 'arn:aws:iam::111122223333:role/usermanagement-prod-task';
  const poolArn = (id: string) => `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${id}`;
  const simulate = (actions: string[], pool: string) =>
    aws
      .iam(REGION)
      .send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: ROLE,
          ActionNames: actions,
          ResourceArns: [poolArn(pool)],
        }),
      )
      .then((out) => out.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision]));

  it("evaluates a role's own statements: an action allowed on the old pool is denied on the new one", async () => {
    // Arrange: a policy written before the migration, naming the old pool only.
    sandbox.world.roles.set(ROLE, [
      { actions: ['cognito-idp:AdminCreateUser'], resources: [poolArn(OLD_POOL)] },
    ]);

    // Act
    const onOld = await simulate(['cognito-idp:AdminCreateUser'], OLD_POOL);
    const onNew = await simulate(['cognito-idp:AdminCreateUser'], NEW_POOL);

    // Assert
    expect(onOld).toEqual([['cognito-idp:AdminCreateUser', 'allowed']]);
    expect(onNew).toEqual([['cognito-idp:AdminCreateUser', 'implicitDeny']]);
  });

  it('matches wildcards as IAM does, actions without regard to case', async () => {
    // Arrange
    sandbox.world.roles.set(ROLE, [
      { actions: ['cognito-idp:Admin*'], resources: [`arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/*`] },
    ]);

    // Act
    const decisions = await simulate(['cognito-idp:admingetuser', 'cognito-idp:ListUsers'], NEW_POOL);

    // Assert
    expect(decisions).toEqual([
      ['cognito-idp:admingetuser', 'allowed'],
      ['cognito-idp:ListUsers', 'implicitDeny'],
    ]);
  });
});

describe('Cognito groups in the sandbox', () => {
  it('lists a pool’s groups a page at a time, and refuses a page over 60 as Cognito does', async () => {
    // Arrange
    const cognito = aws.cognito(REGION);

    // Act
    const first = await cognito.send(new ListGroupsCommand({ UserPoolId: OLD_POOL, Limit: 2 }));
    const rest = await cognito.send(
      new ListGroupsCommand({ UserPoolId: OLD_POOL, Limit: 2, NextToken: first.NextToken }),
    );
    const tooMany = cognito.send(new ListGroupsCommand({ UserPoolId: OLD_POOL, Limit: 61 }));

    // Assert
    expect(first.Groups?.map((g) => g.GroupName)).toEqual(['admins', 'usermanagement-editors']);
    expect(rest.Groups?.map((g) => g.GroupName)).toEqual(['reval-reviewers']);
    expect(rest.NextToken).toBeUndefined();
    await expect(tooMany).rejects.toBeInstanceOf(CognitoInvalidParameter);
  });

  it('leaves a group out of the new pool with missingGroup', async () => {
    // Arrange
    const world = Sandbox.fromPlan(samplePlan(), { missingGroup: true }).world;

    // Act
    const names = (id: string) => [...(world.pools.get(id)?.groups.keys() ?? [])];

    // Assert
    expect(names(OLD_POOL)).toEqual(['admins', 'usermanagement-editors', 'reval-reviewers']);
    expect(names(NEW_POOL)).toEqual(['admins', 'usermanagement-editors']);
  });
});

describe('Cognito users in the sandbox', () => {
  /** Ada, a reviewer in the old pool. */
  const canaryOf = () => {
    const ada = {
      username: 'ada@example.com',
      sub: '11111111-2222-4333-8444-555555555555',
      password: 'pw',
      attributes: { email: 'ada@example.com' },
      status: 'CONFIRMED' as const,
      enabled: true,
      groups: ['reval-reviewers'],
      createdAt: 0,
    };
    sandbox.world.pools.get(OLD_POOL)?.users.set(ada.username, ada);
    return ada;
  };

  it("finds a user by sub with ListUsers' one filter, and refuses an attribute it cannot search", async () => {
    // Arrange
    const cognito = aws.cognito(REGION);
    const canary = canaryOf();

    // Act
    const found = await cognito.send(
      new ListUsersCommand({ UserPoolId: OLD_POOL, Filter: `sub = "${canary?.sub}"`, Limit: 1 }),
    );
    const unsearchable = cognito.send(
      new ListUsersCommand({ UserPoolId: OLD_POOL, Filter: 'custom:tenant = "tis"' }),
    );

    // Assert
    expect(found.Users?.map((u) => u.Username)).toEqual([canary?.username]);
    await expect(unsearchable).rejects.toBeInstanceOf(CognitoInvalidParameter);
  });

  it('adds a user to a group once however often asked, and refuses a group the pool lacks', async () => {
    // Arrange
    const cognito = aws.cognito(REGION);
    const username = canaryOf()?.username;
    const add = (GroupName: string) =>
      cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: OLD_POOL, Username: username, GroupName }));

    // Act
    await add('admins');
    await add('admins');
    const missing = add('no-such-group');
    const listed = await cognito.send(
      new AdminListGroupsForUserCommand({ UserPoolId: OLD_POOL, Username: username }),
    );

    // Assert
    expect(listed.Groups?.map((g) => g.GroupName)).toEqual(['reval-reviewers', 'admins']);
    await expect(missing).rejects.toBeInstanceOf(CognitoNotFound);
  });
});
