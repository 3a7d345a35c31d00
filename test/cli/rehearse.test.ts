import { describe, expect, it } from 'vitest';
import { edited } from '../fixtures/plans.ts';
import { cutover, planFile } from './run.ts';

describe('cutover rehearse', () => {
  it('prints the timeline and SUCCEEDED for the example, exit 0', async () => {
    // Act
    const { code, stdout } = await cutover('rehearse', '--plan', 'examples/plan.json');

    // Assert
    expect(code).toBe(0);
    // The states that pass at one moment share a line.
    expect(stdout).toMatch(/^\+00:00:00 {2}ValidatePlan, AcquireLock, Preflight, /m);
    expect(stdout).toMatch(/[ ,]SwitchDns {2}ok$/m);
    expect(stdout).toMatch(/^Status: SUCCEEDED/m);
    expect(stdout).toMatch(/^Write freeze: \d+ s \(floor 140 s\)$/m);
    expect(stdout).toMatch(
      /^Signed-in users: 12, none signed out \(all 390 calls with a valid token accepted\)\.$/m,
    );
  });

  it('rolls back a failed state and exits 3, reporting the world restored in JSON', async () => {
    const { code, stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--fail',
      'SwitchDns',
      '--json',
    );

    const report = JSON.parse(stdout);
    expect(code).toBe(3);
    expect(report).toMatchObject({
      status: 'ROLLED_BACK',
      migrationId: 'tis-prod-pool-v1-to-v2',
      worldRestored: true,
    });
    expect(report.steps).toContainEqual({ name: 'SwitchDns', status: 'FAILED', attempts: 1 });
    expect(report.steps).toContainEqual({ name: 'SwitchServices', status: 'SKIPPED', attempts: 0 });
  });

  it.each([
    ['uncatchable', 3],
    ['function-timeout', 0],
  ])('rehearses --fail SwitchServices:%s, exit %i', async (kind, exit) => {
    const { code, stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--fail',
      `SwitchServices:${kind}`,
      '--json',
    );

    expect(code).toBe(exit);
    expect(JSON.parse(stdout)).toMatchObject({ worldRestored: exit === 3 });
  });

  it("rehearses the rollback's Restore running past its function's timeout, exit 3", async () => {
    const { code, stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--fail',
      'CheckHealth',
      '--fail',
      'rollback/Restore:function-timeout',
      '--json',
    );

    expect(code).toBe(3);
    expect(JSON.parse(stdout).steps).toContainEqual({
      name: 'rollback/Restore',
      status: 'SUCCEEDED',
      attempts: 2,
    });
  });

  it('succeeds with both app clients confidential, exit 0', async () => {
    const { code, stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--confidential-clients',
      '--json',
    );

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'SUCCEEDED' });
    expect(stdout).not.toContain('client-secret');
  });

  it('names every bad field of an invalid plan and exits 2', async () => {
    const file = planFile(edited((p) => delete p.dns.hostedZoneId));

    const { code, stdout } = await cutover('rehearse', '--plan', file, '--json');

    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'INVALID_PLAN',
      errors: [{ path: 'dns.hostedZoneId', message: 'required' }],
      mutatingCalls: 0,
    });
  });

  it('says what to fix when the plan is not JSON, exit 2', async () => {
    const { code, stderr } = await cutover('rehearse', '--plan', planFile('{ "migrationId": '));

    expect(code).toBe(2);
    expect(stderr).toMatch(/is not valid JSON: .*Fix the JSON/);
  });

  it('refuses a --fail state the plan never runs, listing those it does, exit 2', async () => {
    const { code, stderr } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--fail',
      'CheckTtlSync',
    );

    expect(code).toBe(2);
    expect(stderr).toMatch(/CheckTtlSync: not a Task state this plan runs\. Choose one of: ValidatePlan, /);
  });

  it('refuses an unknown fault kind, exit 2', async () => {
    const { code, stderr } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--fail',
      'SwitchDns:explode',
    );

    expect(code).toBe(2);
    expect(stderr).toMatch(/"explode" is not a fault kind: use fail, timeout, throttle/);
  });

  it('lists the Task states --fail accepts, one per line', async () => {
    const { code, stdout } = await cutover('rehearse', '--list-states');

    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual(
      expect.arrayContaining(['ValidatePlan', 'SwitchDns', 'ReleaseLock']),
    );
  });
});

describe('cutover rehearse and cutover plan on the reference incident', () => {
  it.each([
    ['--deny-invoke', 'cognito-idp.amazonaws.com may not invoke', 'userpool/eu-west-2_NewPool01'],
    ['--deny-old-pool-auth', 'may not call cognito-idp:AdminInitiateAuth', '"Effect":"Allow"'],
    ['--srp-only-client', 'enable ALLOW_USER_PASSWORD_AUTH', 'SRP sends no password'],
    [
      '--service-role-denied',
      "usermanagement's role on the new pool (services[1].roleArn): role arn:aws:iam::111122223333:role/usermanagement-prod-task may not call cognito-idp:AdminCreateUser",
      '"Resource":"arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01"',
    ],
    [
      '--missing-group',
      "the new pool lacks 1 of the old pool's 3 group(s): reval-reviewers",
      'aws cognito-idp create-group --user-pool-id eu-west-2_NewPool01 --group-name NAME',
    ],
    [
      '--attribute-mismatch',
      "the new pool's schema lacks custom:tenant, which the migration carries",
      'aws cognito-idp add-custom-attributes --user-pool-id eu-west-2_NewPool01 --custom-attributes Name=tenant',
    ],
  ])('%s stops the cutover in Preflight with the fix, exit 3, and the dry-run exits 5', async (flag, fix, detail) => {
    // Act
    const rehearsal = await cutover('rehearse', '--plan', 'examples/plan.json', flag, '--json');
    const dryRun = await cutover('plan', '--plan', 'examples/plan.json', flag);

    // Assert
    const report = JSON.parse(rehearsal.stdout);
    expect(rehearsal.code).toBe(3);
    expect(report.failure).toMatchObject({ state: 'Preflight', error: 'PreflightFailed' });
    expect(report.failure.cause).toContain(fix);
    expect(report.failure.cause).toContain(detail);
    expect(report.changes).toEqual([]);
    expect(report.mutatingCalls).toBe(0);
    expect(dryRun.code).toBe(5);
    expect(dryRun.stdout).toContain(fix);
  });

  it('--fail-trigger passes Preflight, fails the canary, rolls back and exits 3', async () => {
    // Act
    const { code, stdout } = await cutover('rehearse', '--plan', 'examples/plan.json', '--fail-trigger');

    // Assert
    expect(code).toBe(3);
    expect(stdout).toMatch(/^\+00:00:00 {2}ValidatePlan, AcquireLock, Preflight, /m);
    expect(stdout).toMatch(
      /^Failed in CheckHealth: HealthDeadlineExceeded\n {2}.*Incorrect username or password/m,
    );
    expect(stdout).toMatch(/^World restored to its starting state: yes$/m);
  });
});

describe('cutover validate', () => {
  it('accepts the shipped stage plans, and names every bad field of a broken one, exit 2', async () => {
    const good = await cutover('validate', 'plans/dev.json', 'examples/plan.json');
    const bad = await cutover('validate', planFile(edited((p) => delete p.region)));

    expect(good.code).toBe(0);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/plan\.json: region: required/);
  });

  it('checks every file it is given: one it cannot read does not stop the others', async () => {
    // Act
    const { code, stdout, stderr } = await cutover('validate', 'missing.json', 'examples/plan.json');

    // Assert
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot read plan missing.json');
    expect(stdout).toContain('examples/plan.json: valid');
    expect(stdout).toContain('1 of 2 plan(s) valid.');
  });
});
