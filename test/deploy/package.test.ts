import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalDocument } from '../../src/approval/document.ts';
import { arn, GRANTS } from '../../src/iam/grants.ts';
import { FUNCTION_AREAS, FUNCTION_COMMANDS } from '../../src/iam/manifest.ts';
import { type FunctionKey, logicalId, roleId, stageOf, statementsOf } from '../../src/iam/roles.ts';
import { decide, requestsOf, resolve, stackNames } from '../iam/iam.ts';

const run = promisify(execFile);

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverlessBin = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');

const CUTOVER_FUNCTIONS = [
  'validatePlan',
  'acquireLock',
  'preflight',
  'notify',
  'prepareDns',
  'checkDnsSync',
  'restrictWrites',
  'switchDns',
  'switchServices',
  'retireOldIssuer',
  'checkServices',
  'checkHealth',
  'releaseWrites',
  'restoreTtl',
  'releaseLock',
  'requestApproval',
  'planReport',
] as const;
const ROLLBACK_FUNCTIONS = [
  'loadMigration',
  'rollback',
  'checkDnsSync',
  'checkServices',
  'notify',
  'releaseAfterRollback',
  'countGained',
] as const;
const SWEEP_FUNCTIONS = ['startSweep', 'sweepUsers', 'sweepReport'] as const;
/** Invoked on demand (by the user-management service, `cutover migrate-user`, `cutover progress`) or on a schedule. */
const ON_DEMAND_FUNCTIONS = ['migrateUser', 'countProgress'] as const;
const FUNCTIONS = [
  ...new Set([...CUTOVER_FUNCTIONS, ...ROLLBACK_FUNCTIONS, ...SWEEP_FUNCTIONS, ...ON_DEMAND_FUNCTIONS]),
];

const STAGE = 'dev';
/** The stage's plan names the pools (and every resource the roles may touch). */
const stagePlan = stageOf('cognito-cutover', STAGE, join(repoRoot, 'plans', `${STAGE}.json`));
const POOLS = {
  old: stagePlan.plan.oldPool.userPoolId,
  oldClient: stagePlan.plan.oldPool.migrationClientId,
  new: stagePlan.plan.newPool.userPoolId,
};
const REGION = 'eu-west-2';
const PACKAGE_TIMEOUT_MS = 180_000;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
}

/** osls's logical id for a function key: validatePlan → ValidatePlanLambdaFunction. */
const lambdaLogicalId = (name: string) => logicalId(name, 'LambdaFunction');

/**
 * A build environment that cannot reach AWS: no credentials, no profile, no shared config, no
 * instance metadata. Packaging must not need any of them; if it ever tries, it fails instead of
 * hanging or silently using a developer's account.
 */
function offlineEnv(scratch: string, esbuildWorkFolder: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('SLS_')),
  );
  return {
    ...env,
    CI: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(scratch, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-aws-credentials'),
    SLS_DEPRECATION_NOTIFICATION_MODE: 'error',
    ESBUILD_WORK_FOLDER: esbuildWorkFolder,
  };
}

/** The file names in a zip, read from its central directory. */
function zipEntries(zip: Buffer): string[] {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error('not a zip: no end of central directory record');
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The functions a state machine's DefinitionString invokes, by logical id. With useExactVersion each
 * is a `Ref` to a published AWS::Lambda::Version, so an execution keeps the code it started with.
 */
function functionsInDefinition(template: Template, definitionString: unknown): string[] {
  const sub = (definitionString as { 'Fn::Sub'?: unknown })['Fn::Sub'];
  if (!Array.isArray(sub)) return [];
  const [body, params] = sub as [string, Record<string, unknown>];
  return Object.entries(params).flatMap(([param, value]) => {
    const version = template.Resources[(value as { Ref?: string }).Ref ?? ''];
    if (version?.Type !== 'AWS::Lambda::Version' || !body.includes(`\${${param}}`)) return [];
    return [String((version.Properties.FunctionName as { Ref: string }).Ref)];
  });
}

/** Every function serverless.yml deploys, the triggers included. */
const FUNCTIONS_ALL = Object.keys(FUNCTION_COMMANDS);

interface PolicyStatement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
}

describe('serverless package (offline, no credentials)', () => {
  let scratch: string;
  let packageDir: string;
  let template: Template;

  /** The statements of a role's inline policies, in the template as packaged, Action and Resource as lists. */
  const statementsIn = (roleLogicalId: string): PolicyStatement[] =>
    (
      (template.Resources[roleLogicalId]?.Properties.Policies ?? []) as {
        PolicyDocument: { Statement: { Effect: string; Action: string | string[]; Resource: unknown }[] };
      }[]
    ).flatMap((p) =>
      p.PolicyDocument.Statement.map((st) => ({
        ...st,
        Action: [st.Action].flat(),
        Resource: [st.Resource].flat(),
      })),
    );

  const s3Key = (name: string) =>
    (template.Resources[lambdaLogicalId(name)]?.Properties.Code as { S3Key?: string } | undefined)?.S3Key;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cutover-package-'));
    packageDir = join(scratch, 'package');
    // Relative to the service directory (serverless-esbuild joins it on), and outside the tree.
    const esbuildWorkFolder = relative(repoRoot, join(scratch, 'esbuild'));

    try {
      await run(
        process.execPath,
        [serverlessBin, 'package', '--stage', STAGE, '--region', REGION, '--package', packageDir],
        {
          cwd: repoRoot,
          env: offlineEnv(scratch, esbuildWorkFolder),
          timeout: PACKAGE_TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (error) {
      const {
        stdout = '',
        stderr = '',
        killed,
      } = error as { stdout?: string; stderr?: string; killed?: boolean };
      const why = killed ? `timed out after ${PACKAGE_TIMEOUT_MS} ms` : 'failed';
      throw new Error(`serverless package ${why}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`, {
        cause: error,
      });
    }

    template = JSON.parse(
      await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template;
  }, PACKAGE_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('compiles the cutover state machine with the exact version of every function it runs', () => {
    // Arrange
    const stateMachine = template.Resources.CutoverStateMachine;
    const expected = CUTOVER_FUNCTIONS.map(lambdaLogicalId).sort();

    // Act
    const referenced = [
      ...new Set(functionsInDefinition(template, stateMachine?.Properties.DefinitionString)),
    ].sort();

    // Assert
    expect(stateMachine?.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(stateMachine?.Properties.StateMachineName).toBe(`cognito-cutover-${STAGE}-cutover`);
    expect(referenced).toEqual(expected);
  });

  it('compiles the rollback state machine, which the cutover starts and waits for', () => {
    const rollback = template.Resources.RollbackStateMachine;
    const cutoverRole = JSON.stringify(template.Resources.CutoverMachineRole);

    const referenced = [
      ...new Set(functionsInDefinition(template, rollback?.Properties.DefinitionString)),
    ].sort();

    expect(rollback?.Properties.StateMachineName).toBe(`cognito-cutover-${STAGE}-rollback`);
    expect(referenced).toEqual([...ROLLBACK_FUNCTIONS].map(lambdaLogicalId).sort());
    expect(cutoverRole).toContain(
      '{"Effect":"Allow","Action":["states:StartExecution"],"Resource":[{"Ref":"RollbackStateMachine"}]}',
    );
    expect(cutoverRole).toContain('states:DescribeExecution');
  });

  it('compiles the sweep state machine: a DISTRIBUTED Map whose children run sweepUsers, which its role may start', () => {
    // Arrange
    const sweep = template.Resources.SweepStateMachine;
    const [body] = (sweep?.Properties.DefinitionString as { 'Fn::Sub': [string, unknown] })['Fn::Sub'];
    const role = JSON.stringify(template.Resources.SweepMachineRole);

    // Act
    const referenced = [
      ...new Set(functionsInDefinition(template, sweep?.Properties.DefinitionString)),
    ].sort();
    const map = JSON.parse(body.replace(/\$\{[^}]+\}/g, 'x')).States.SweepShards;

    // Assert
    expect(sweep?.Properties.StateMachineName).toBe(`cognito-cutover-${STAGE}-sweep`);
    expect(referenced).toEqual([...SWEEP_FUNCTIONS].map(lambdaLogicalId).sort());
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(role).toContain(`stateMachine:cognito-cutover-${STAGE}-sweep`);
  });

  it("holds the operators' dashboard: progress, users moved, every trigger outcome and its latency, each machine's executions, the freeze", () => {
    // Arrange
    const dashboard = template.Resources.MigrationDashboard;
    const body = (dashboard?.Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub'];

    // Act
    const charted = JSON.parse(body).widgets.flatMap(
      (w: { properties: { metrics?: unknown[][] } }) =>
        w.properties.metrics?.map((m) => `${m[0]}/${m[1]}/${m[3]}`) ?? [],
    );

    // Assert
    expect(dashboard?.Type).toBe('AWS::CloudWatch::Dashboard');
    expect(dashboard?.Properties.DashboardName).toBe(`cognito-cutover-${STAGE}`);
    for (const metric of [
      'OldPoolUsers',
      'NewPoolUsers',
      'UsersRemaining',
      'MigratedPercent',
      'UsersMigrated',
      'UsersSwept',
      'MigrationWrongPassword',
      'MigrationUnknownUser',
      'MigrationMisconfigured',
      'MigrationMs',
      'WriteFreezeSeconds',
    ])
      expect(charted).toContain(`CognitoCutover/${metric}/cognito-cutover`);
    for (const machine of ['CutoverStateMachine', 'RollbackStateMachine', 'SweepStateMachine'])
      expect(charted).toContain(`AWS/States/ExecutionsFailed/\${${machine}}`);
  });

  it('starts the rollback when a cutover fails, times out or is aborted, where no Catch may have run', () => {
    const rule = template.Resources.RollbackWhenCutoverStops as unknown as {
      Properties: {
        EventPattern: unknown;
        Targets: { Arn: unknown; InputTransformer: { InputTemplate: string } }[];
      };
    };

    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [{ Ref: 'CutoverStateMachine' }],
      },
    });
    expect(rule.Properties.Targets[0]?.Arn).toEqual({ Ref: 'RollbackStateMachine' });
    expect(rule.Properties.Targets[0]?.InputTransformer.InputTemplate).toBe(
      '{"cutoverEvent": <aws.events.event.json>}',
    );
  });

  it('waits for the go/no-go with a task token, no longer than the plan allows', () => {
    const definition = JSON.stringify(template.Resources.CutoverStateMachine?.Properties.DefinitionString);

    expect(definition).toContain('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(definition).toMatch(/\\"TimeoutSecondsPath\\": \\"\$\.plan\.approval\.timeoutSeconds\\"/);
    expect(definition).toMatch(/\\"taskToken\.\$\\": \\"\$\$\.Task\.Token\\"/);
  });

  it("opens the go/no-go in the console: a Systems Manager approval of the plan's approvers, which answers the waiting cutover", () => {
    // Arrange
    const document = template.Resources.ApprovalDocument?.Properties as {
      Name: string;
      DocumentType: string;
      Content: ReturnType<typeof approvalDocument>;
    };
    const requestApproval = template.Resources[lambdaLogicalId('requestApproval')]?.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const definition = JSON.stringify(template.Resources.CutoverStateMachine?.Properties.DefinitionString);

    // Act
    const [approve, go, noGo] = document.Content.mainSteps;

    // Assert: the runbook waits for the approvers and the quorum it is started with
    expect(document).toMatchObject({ Name: `cognito-cutover-${STAGE}-approval`, DocumentType: 'Automation' });
    expect(document.Content).toEqual(approvalDocument());
    expect(approve).toMatchObject({
      action: 'aws:approve',
      onFailure: 'step:noGo',
      inputs: { Approvers: '{{ Approvers }}', MinRequiredApprovals: '{{ MinRequiredApprovals }}' },
    });
    // then answers the cutover's token: go, or the no-go its Catch rolls back on
    expect(go?.inputs).toMatchObject({
      Service: 'stepfunctions',
      Api: 'SendTaskSuccess',
      taskToken: '{{ TaskToken }}',
    });
    expect(noGo?.inputs).toMatchObject({ Api: 'SendTaskFailure', error: 'ApprovalRejected' });
    // RequestApproval starts it, with the plan (approval.approvers, approval.minApprovals) and the token
    expect(requestApproval.Environment.Variables).toMatchObject({
      APPROVAL_DOCUMENT: `cognito-cutover-${STAGE}-approval`,
      APPROVAL_ROLE_ARN: { 'Fn::GetAtt': ['ApprovalAutomationRole', 'Arn'] },
    });
    expect(definition).toMatch(
      /\\"plan\.\$\\": \\"\$\.plan\\",[^}]*\\"taskToken\.\$\\": \\"\$\$\.Task\.Token\\"/,
    );
    expect(statementsIn('RequestApprovalRole').flatMap((s) => s.Action)).toEqual(
      expect.arrayContaining(['ssm:StartAutomationExecution', 'iam:PassRole']),
    );
    // and the runbook answers with a role that may do nothing else
    expect(
      statementsIn('ApprovalAutomationRole')
        .flatMap((s) => s.Action)
        .sort(),
    ).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
  });

  it("runs the stage's own plan as a dry-run every week, naming the plan ValidatePlan carries", async () => {
    // Arrange
    const rule = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        'ScheduleExpression' in (r.Properties as object) &&
        JSON.stringify(r.Properties).includes('CutoverStateMachine'),
    ) as unknown as {
      Properties: { ScheduleExpression: string; Targets: { Arn: unknown; Input: string }[] };
    };
    const packaged = await readFile(join(packageDir, 'validatePlan.zip'));
    const input = rule.Properties.Targets[0]?.Input ?? '';

    // Assert: an EventBridge target's Input is limited to 8,192 characters; a plan of many services
    // passes that, so the input names the plan and the plan travels in ValidatePlan's package.
    expect(rule.Properties.ScheduleExpression).toBe('cron(0 6 ? * MON *)');
    expect(rule.Properties.Targets[0]?.Arn).toEqual({ Ref: 'CutoverStateMachine' });
    expect(JSON.parse(input)).toEqual({ dryRunOfStagePlan: `plans/${STAGE}.json` });
    expect(input.length).toBeLessThan(100);
    expect(zipEntries(packaged)).toContain(`plans/${STAGE}.json`);
    expect(template.Resources[lambdaLogicalId('validatePlan')]?.Properties).toMatchObject({
      Environment: { Variables: { STAGE_PLAN: `plans/${STAGE}.json` } },
    });
  });

  it('gives the cutover an execution timeout, so a stuck cutover ends and rolls back', () => {
    const definition = JSON.stringify(template.Resources.CutoverStateMachine?.Properties.DefinitionString);

    expect(definition).toMatch(/\\"TimeoutSeconds\\": 21600,\\n {2}\\"StartAt/);
  });

  it.each(FUNCTIONS)('packages %s as its own nodejs22.x zip', async (name) => {
    // Arrange
    const fn = template.Resources[lambdaLogicalId(name)];
    const zipPath = join(packageDir, `${name}.zip`);

    // Act
    const entries = zipEntries(await readFile(zipPath));

    // Assert
    expect(fn?.Type).toBe('AWS::Lambda::Function');
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: `handlers/${name}.handler`,
      Environment: { Variables: { LEDGER_TABLE: `cognito-cutover-${STAGE}-ledger` } },
    });
    expect(s3Key(name)).toMatch(new RegExp(`/${name}\\.zip$`));
    expect((await stat(zipPath)).size).toBeGreaterThan(0);
    expect(entries).toContain(`handlers/${name}.js`);
    expect(entries.filter((entry) => entry.startsWith('node_modules/'))).toEqual([]);
  });

  it('gives every function a different artifact', () => {
    // Arrange
    const keys = FUNCTIONS.map(s3Key);

    // Act
    const distinct = new Set(keys);

    // Assert
    expect(distinct.size).toBe(FUNCTIONS.length);
  });

  describe('the migration triggers the reference incident lacked the wiring of', () => {
    /** A pool's ARN as the template builds it: partition, region and account from CloudFormation. */
    const poolArn = (id: string) => ({
      'Fn::Join': [
        ':',
        [
          'arn',
          { Ref: 'AWS::Partition' },
          'cognito-idp',
          { Ref: 'AWS::Region' },
          { Ref: 'AWS::AccountId' },
          `userpool/${id}`,
        ],
      ],
    });

    it.each([
      'userMigration',
      'preTokenGeneration',
    ])('lets cognito-idp invoke %s for the new pool of the stage only', (name) => {
      // Act
      const permissions = Object.values(template.Resources).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          JSON.stringify(r.Properties.FunctionName) ===
            JSON.stringify({ 'Fn::GetAtt': [lambdaLogicalId(name), 'Arn'] }),
      );

      // Assert
      expect(permissions).toEqual([
        expect.objectContaining({
          Properties: {
            FunctionName: { 'Fn::GetAtt': [lambdaLogicalId(name), 'Arn'] },
            Action: 'lambda:InvokeFunction',
            Principal: 'cognito-idp.amazonaws.com',
            SourceArn: poolArn(POOLS.new),
            SourceAccount: { Ref: 'AWS::AccountId' },
          },
        }),
      ]);
    });

    it("lets the roles the stage's plan names invoke migrateUser, and nobody else", () => {
      // Act
      const permissions = Object.values(template.Resources).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          JSON.stringify(r.Properties.FunctionName) ===
            JSON.stringify({ 'Fn::GetAtt': [lambdaLogicalId('migrateUser'), 'Arn'] }),
      );

      // Assert
      expect(stagePlan.plan.finish.migrateUserCallers).toHaveLength(1);
      expect(permissions.map((p) => p.Properties)).toEqual(
        stagePlan.plan.finish.migrateUserCallers.map((Principal) => ({
          FunctionName: { 'Fn::GetAtt': [lambdaLogicalId('migrateUser'), 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal,
        })),
      );
    });

    it("counts the migration's progress every hour, on the stage's pools and app client", () => {
      // Arrange
      const rule = Object.values(template.Resources).find(
        (r) =>
          r.Type === 'AWS::Events::Rule' &&
          JSON.stringify(r.Properties).includes(lambdaLogicalId('countProgress')),
      );

      // Assert
      expect(rule?.Properties).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
      expect(template.Resources[lambdaLogicalId('countProgress')]?.Properties).toMatchObject({
        Environment: {
          Variables: {
            STAGE,
            MIGRATION_ID: stagePlan.plan.migrationId,
            OLD_USER_POOL_ID: POOLS.old,
            NEW_USER_POOL_ID: POOLS.new,
            NEW_APP_CLIENT_ID: stagePlan.plan.newPool.appClientId,
          },
        },
      });
    });

    it('lets migrateUser create users in the new pool only, and read them in both', () => {
      // Act
      const cognito = statementsIn(roleId('migrateUser')).filter((s) =>
        s.Action.some((a) => a.startsWith('cognito-idp:')),
      );

      // Assert
      expect(cognito).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'cognito-idp:AdminAddUserToGroup',
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminResetUserPassword',
            'cognito-idp:AdminSetUserPassword',
          ],
          Resource: [arn('cognito-idp', `userpool/${POOLS.new}`)],
        },
        {
          Effect: 'Allow',
          Action: ['cognito-idp:AdminGetUser'],
          Resource: [
            arn('cognito-idp', `userpool/${POOLS.old}`),
            arn('cognito-idp', `userpool/${POOLS.new}`),
          ],
        },
        {
          Effect: 'Allow',
          Action: ['cognito-idp:AdminListGroupsForUser'],
          Resource: [arn('cognito-idp', `userpool/${POOLS.old}`)],
        },
      ]);
    });

    it('lets the migration trigger sign users in on, and read them from, the old pool only', () => {
      // Act
      const cognito = statementsIn(roleId('userMigration')).filter((s) =>
        s.Action.some((a) => a.startsWith('cognito-idp:')),
      );

      // Assert: its app client's secret is read on the old pool too, not on the new one.
      expect(cognito).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminInitiateAuth',
            'cognito-idp:DescribeUserPoolClient',
          ],
          Resource: [arn('cognito-idp', `userpool/${POOLS.old}`)],
        },
      ]);
    });

    it('lets the canary check delete users from the new pool only', () => {
      // Act
      const deleting = FUNCTIONS_ALL.flatMap((fn) =>
        statementsIn(roleId(fn))
          .filter((s) => s.Action.includes('cognito-idp:AdminDeleteUser'))
          .map((s) => [fn, s.Resource]),
      );

      // Assert
      expect(deleting).toEqual([['checkHealth', [arn('cognito-idp', `userpool/${POOLS.new}`)]]]);
    });

    it("deploys the migration trigger with the old pool from the stage's plan", () => {
      // Act
      const variables = (
        template.Resources[lambdaLogicalId('userMigration')]?.Properties.Environment as {
          Variables: Record<string, string>;
        }
      ).Variables;

      // Assert
      expect(variables).toMatchObject({ OLD_USER_POOL_ID: POOLS.old, OLD_POOL_CLIENT_ID: POOLS.oldClient });
    });
  });

  describe('least privilege', () => {
    const roles = () => Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');

    it.each(FUNCTIONS_ALL)('gives %s a role of its own with exactly what its code sends', (fn) => {
      // Arrange
      const granted = new Set(
        FUNCTION_COMMANDS[fn as FunctionKey].flatMap((command) => {
          const known = GRANTS[command];
          const areas = new Set(FUNCTION_AREAS[fn as FunctionKey]);
          if (!known?.action || known.resources(stagePlan, areas).length === 0) return [];
          return [known.action, ...(known.also ?? []).flatMap((g) => (g.action ? [g.action] : []))];
        }),
      );

      // Act
      const role = template.Resources[lambdaLogicalId(fn)]?.Properties.Role;
      const actions = new Set(statementsIn(roleId(fn)).flatMap((s) => s.Action));

      // Assert
      expect(role).toEqual({ 'Fn::GetAtt': [roleId(fn), 'Arn'] });
      expect(statementsIn(roleId(fn))).toEqual(statementsOf(fn as FunctionKey, stagePlan));
      expect([...actions].sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', ...granted].sort());
    });

    it('grants no function anything through a shared role', () => {
      expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
      // Besides the functions': the three state machines', the timeout/abort rule's, the schedule's, and
      // the one the go/no-go's runbook answers the cutover with.
      expect(roles().length).toBe(FUNCTIONS_ALL.length + 6);
    });

    it('names no wildcard action anywhere', () => {
      // Act
      const wildcards = roles().flatMap(([id]) =>
        statementsIn(id).flatMap((s) => s.Action.filter((a) => a.includes('*')).map((a) => `${id}: ${a}`)),
      );

      // Assert
      expect(wildcards).toEqual([]);
    });

    it('scopes every resource to the stage, but log delivery, X-Ray and metric reads, which take no resource', () => {
      // Act
      const unscoped = roles().flatMap(([id]) =>
        statementsIn(id)
          .filter((s) => s.Resource.includes('*'))
          .flatMap((s) => s.Action.map((a) => `${id}: ${a}`)),
      );

      // Assert
      expect(
        unscoped.every((line) =>
          /: (logs:\w*(LogDelivery|LogDeliveries|ResourcePolic\w*|LogGroups)|xray:\w+|cloudwatch:GetMetricData|ssm:DescribeAutomationExecutions|states:SendTask(Success|Failure))$/.test(
            line,
          ),
        ),
      ).toBe(true);
      // GetMetricData names no resource IAM can scope: the progress count reads Cognito's sign-ins with it.
      // Nor do DescribeAutomationExecutions (a rollback finds the go/no-go it cancels) and a task
      // token's answer (the go/no-go's runbook answers the cutover).
      expect(unscoped.filter((line) => !/MachineRole: /.test(line)).sort()).toEqual([
        'ApprovalAutomationRole: states:SendTaskFailure',
        'ApprovalAutomationRole: states:SendTaskSuccess',
        'CountProgressRole: cloudwatch:GetMetricData',
        'RollbackRole: ssm:DescribeAutomationExecutions',
      ]);
    });

    it.each([
      ['CutoverMachineRole', 'CutoverStateMachine'],
      ['RollbackMachineRole', 'RollbackStateMachine'],
    ])('lets %s invoke only the functions its state machine runs', (roleLogicalId, machine) => {
      // Arrange
      const runs = functionsInDefinition(template, template.Resources[machine]?.Properties.DefinitionString);

      // Act
      const invoke = statementsIn(roleLogicalId).find((s) => s.Action.includes('lambda:InvokeFunction'));
      const invoked = new Set(
        (invoke?.Resource ?? []).map((r) => JSON.stringify(r).match(/"(\w+LambdaFunction)"/)?.[1]),
      );

      // Assert
      expect([...invoked].sort()).toEqual([...new Set(runs)].sort());
      expect(template.Resources[machine]?.Properties.RoleArn).toEqual({
        'Fn::GetAtt': [roleLogicalId, 'Arn'],
      });
    });

    it('lets the cutover start the rollback and wait for it, and nothing more of Step Functions', () => {
      // Act
      const states = statementsIn('CutoverMachineRole').filter((s) =>
        s.Action.some((a) => a.startsWith('states:') || a.startsWith('events:')),
      );

      // Assert
      expect(states).toEqual([
        { Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ Ref: 'RollbackStateMachine' }] },
        {
          Effect: 'Allow',
          Action: ['states:DescribeExecution', 'states:StopExecution'],
          Resource: [arn('states', `execution:cognito-cutover-${STAGE}-rollback:*`)],
        },
        {
          Effect: 'Allow',
          Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'],
          Resource: [arn('events', 'rule/StepFunctionsGetEventsForStepFunctionsExecutionRule')],
        },
      ]);
    });
  });

  it('lets the rollback run its distributed Map: start, describe and stop its own child executions, and no other machine', () => {
    // Act
    const states = statementsIn('RollbackMachineRole').filter((s) =>
      s.Action.some((a) => a.startsWith('states:')),
    );

    // Assert
    const own = `cognito-cutover-${STAGE}-rollback`;
    expect(states).toEqual([
      {
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: [arn('states', `stateMachine:${own}`)],
      },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: [arn('states', `execution:${own}:*`), arn('states', `execution:${own}/*`)],
      },
    ]);
  });

  describe('each role as packaged, simulated by iam-simulate on the stage plan', () => {
    // The stack's names for the dev stage, and its notifications key's policy as packaged.
    const namesOf = () => {
      const bare = stackNames(stagePlan.plan, STAGE);
      return stackNames(
        stagePlan.plan,
        STAGE,
        resolve(template.Resources.NotificationsKey?.Properties.KeyPolicy, bare) as object,
      );
    };
    const roleOf = (fn: string) => resolve(statementsIn(roleId(fn)), namesOf()) as never[];

    it.each(
      FUNCTIONS_ALL,
    )('allows %s every call its code makes, on the resources its step touches', async (fn) => {
      // Arrange
      const names = namesOf();
      const requests = requestsOf(fn as FunctionKey, stagePlan.plan, names);

      // Act
      const refused: string[] = [];
      for (const request of requests) {
        const decision = await decide(roleOf(fn), request, names.account);
        if (decision !== 'Allowed') refused.push(`${request.action} on ${request.resource}: ${decision}`);
      }

      // Assert
      expect(refused).toEqual([]);
    });

    it.each([
      ['restrictWrites', 'ssm:PutParameter', 'parameter/reval/prod/cognito-user-pool-id'],
      ['switchServices', 'ssm:PutParameter', 'parameter/usermanagement/prod/under-maintenance'],
      ['switchServices', 'secretsmanager:GetSecretValue', 'secret:tis-cutover-canary-AbCdEf'],
      ['checkHealth', 'secretsmanager:GetSecretValue', 'secret:usermanagement-cognito-prod-AbCdEf'],
    ])("denies %s %s on another step's %s", async (fn, action, resource) => {
      // Arrange
      const service = action.split(':')[0];
      const request = { action, resource: `arn:aws:${service}:${REGION}:111122223333:${resource}` };

      // Act
      const decision = await decide(roleOf(fn), request, namesOf().account);

      // Assert
      expect(decision).toBe('ImplicitlyDenied');
    });
  });

  it('alarms the operators topic when a cutover or a rollback fails, times out or is aborted', () => {
    // Act
    const alarms = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(
        (r) =>
          r.Properties as { MetricName: string; Dimensions?: { Value: unknown }[]; AlarmActions: unknown[] },
      );

    // Assert
    const on = (machine: string) =>
      alarms
        .filter((a) => JSON.stringify(a.Dimensions?.[0]?.Value) === JSON.stringify({ Ref: machine }))
        .map((a) => a.MetricName)
        .sort();
    expect(on('CutoverStateMachine')).toEqual([
      'ExecutionsAborted',
      'ExecutionsFailed',
      'ExecutionsTimedOut',
    ]);
    expect(on('RollbackStateMachine')).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    expect(alarms.map((a) => a.MetricName)).toEqual(
      expect.arrayContaining(['MigrationMisconfigured', 'GroupCopyFailed']),
    );
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: 'OperatorsTopic' }]);
  });

  it('encrypts every alarm action topic with a key whose policy lets CloudWatch publish to it', () => {
    // Arrange: an AWS managed key (alias/aws/sns) has a policy no one can change, which admits no
    // service principal, so CloudWatch drops every alarm sent to a topic it encrypts
    // (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
    const alarmTopics = [
      ...new Set(
        Object.values(template.Resources)
          .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
          .flatMap((r) => r.Properties.AlarmActions as { Ref: string }[])
          .map((action) => action.Ref),
      ),
    ];
    type KeyStatement = { Effect: string; Principal?: { Service?: string }; Action: string | string[] };

    // Act
    const admits = alarmTopics.map((topic) => {
      const keyRef = template.Resources[topic]?.Properties.KmsMasterKeyId as { Ref?: string } | string;
      const key = typeof keyRef === 'object' ? template.Resources[keyRef.Ref ?? ''] : undefined;
      const statements = ((key?.Properties.KeyPolicy as { Statement?: KeyStatement[] })?.Statement ??
        []) as KeyStatement[];
      const forCloudWatch = statements
        .filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudwatch.amazonaws.com')
        .flatMap((s) => [s.Action].flat());
      return {
        topic,
        keyType: key?.Type,
        decrypt: forCloudWatch.includes('kms:Decrypt'),
        dataKey: forCloudWatch.some((a) => a === 'kms:GenerateDataKey*' || a === 'kms:GenerateDataKey'),
      };
    });

    // Assert
    expect(alarmTopics).toContain('OperatorsTopic');
    for (const topic of admits) {
      expect(topic).toEqual({ topic: topic.topic, keyType: 'AWS::KMS::Key', decrypt: true, dataKey: true });
    }
  });

  it('lets every function that publishes use the topics key, and no other function', () => {
    // Act
    const usesKey = FUNCTIONS_ALL.filter((fn) =>
      statementsIn(roleId(fn)).some(
        (s) =>
          s.Action.includes('kms:GenerateDataKey') &&
          s.Action.includes('kms:Decrypt') &&
          JSON.stringify(s.Resource) === JSON.stringify([{ 'Fn::GetAtt': ['NotificationsKey', 'Arn'] }]),
      ),
    );

    // Assert
    const publishers = FUNCTIONS_ALL.filter((fn) =>
      FUNCTION_COMMANDS[fn as FunctionKey].includes('SNS:Publish'),
    );
    expect(publishers.length).toBeGreaterThan(0);
    expect(usesKey.sort()).toEqual(publishers.sort());
  });

  it("names the stack's own topics in the stage plan, which the operators subscribe to", async () => {
    // Arrange
    const plan = JSON.parse(await readFile(join(repoRoot, 'plans', `${STAGE}.json`), 'utf8'));

    // Act
    const topicNames = Object.values(plan.notify as Record<string, string>).map((arn) => arn.split(':')[5]);

    // Assert
    expect(topicNames.sort()).toEqual([
      `cognito-cutover-${STAGE}-operators`,
      `cognito-cutover-${STAGE}-users`,
    ]);
    expect(template.Resources.UsersTopic?.Properties.TopicName).toBe(`cognito-cutover-${STAGE}-users`);
    expect(template.Resources.OperatorsTopic?.Properties.TopicName).toBe(
      `cognito-cutover-${STAGE}-operators`,
    );
  });

  it('declares the ledger table with pk/sk keys, on demand, with point-in-time recovery and deletion protection', () => {
    // Arrange
    const table = template.Resources.LedgerTable;

    // Act
    const properties = table?.Properties;

    // Assert
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(properties).toMatchObject({
      TableName: `cognito-cutover-${STAGE}-ledger`,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(properties?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
    );
  });
});
