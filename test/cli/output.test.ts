import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { differences } from '../../src/cli/diff.ts';
import { driftLines, retriedLines, wrap } from '../../src/cli/render.ts';
import { styleFor } from '../../src/cli/style.ts';
import { stateColumn, TimelineView, timelineLines } from '../../src/cli/timeline.ts';
import type { TimelineEntry } from '../../src/local/report.ts';
import { edited } from '../fixtures/plans.ts';
import { cutover, cutoverJson, planFile } from './run.ts';

const OLD_ARN = 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_OldPool01';
const NEW_ARN = 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01';
const entry = (at: number, state: string, outcome: string, type = 'Task'): TimelineEntry => ({
  at,
  state,
  type,
  outcome,
});

describe('a change, as the output shows it', () => {
  it('names the key that changed and the values from where they differ', () => {
    expect(differences({ providerARNs: [OLD_ARN] }, { providerARNs: [NEW_ARN] })).toEqual([
      'providerARNs: …/eu-west-2_OldPool01 → …/eu-west-2_NewPool01',
    ]);
    expect(
      differences({ alias: { dnsName: 'd222old.net.' } }, { alias: { dnsName: 'd111new.net.' } }),
    ).toEqual(['alias.dnsName: d222old.net. → d111new.net.']);
  });

  it('says what joined a list, and leaves out the digest of a value it shows', () => {
    expect(differences({ providerARNs: [OLD_ARN] }, { providerARNs: [OLD_ARN, NEW_ARN] })).toEqual([
      'providerARNs: +…/eu-west-2_NewPool01',
    ]);
    expect(
      differences({ value: 'false', digest: 'sha256:aa' }, { value: 'true', digest: 'sha256:bb' }),
    ).toEqual(['value: false → true']);
  });

  it('cuts only a value no diff can shorten, saying --full shows it, which prints it whole', () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'CognitoCutoverWriteFreeze', Effect: 'Deny' }],
    });

    expect(differences({ policy: null }, { policy })[0]).toMatch(
      /^policy: \(none\) → \{.*… \(--full shows all\)$/,
    );
    expect(differences({ policy: null }, { policy }, true)).toEqual([`policy: (none) → ${policy}`]);
  });

  it('says a redeploy changed no setting', () => {
    expect(differences({ taskDefinition: 'td:1' }, { taskDefinition: 'td:1' })).toEqual([
      'no setting changed (redeployed as it was)',
    ]);
  });
});

describe('the timeline, as the output shows it', () => {
  it('folds repeated polls into one line with how many more and until when', () => {
    // Arrange: an hour of failing polls, 30 s apart
    const polls = Array.from({ length: 120 }, (_, i) => [
      entry(85 + i * 30, 'CheckHealth', 'fail: alarm reval-5xx: state ALARM, 0/3 passed'),
      entry(85 + i * 30, 'HealthInterval', 'waited 30 s', 'Wait'),
    ]).flat();

    // Act
    const lines = timelineLines([
      ...polls,
      entry(3685, 'CheckHealth', 'failed: HealthDeadlineExceeded: cause'),
    ]);

    // Assert
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('           … the same 119 more times, until +01:00:55');
    expect(lines[3]).toMatch(/CheckHealth +failed: HealthDeadlineExceeded$/);
  });

  it('puts states that pass at one moment on one line, and fits the longest state name', () => {
    // Act
    const lines = timelineLines([
      entry(0, 'ValidatePlan', 'ok'),
      entry(0, 'AcquireLock', 'ok'),
      entry(0, 'PrepareDns', 'ok'),
      entry(0, 'AwaitDnsSync', 'waited 10 s', 'Wait'),
      entry(10, 'rollback/NotifyRollbackIncomplete', 'failed: AccessDenied: x'),
    ]);

    // Assert
    expect(lines[0]).toBe('+00:00:00  ValidatePlan, AcquireLock, PrepareDns  ok');
    expect(lines[1]?.indexOf('waited')).toBe(11 + stateColumn());
    expect(stateColumn()).toBeGreaterThanOrEqual('rollback/NotifyRollbackIncomplete'.length + 2);
  });

  it('shows a child execution that ran clean as one line', () => {
    // Arrange
    const view = new TimelineView();
    const child = ['LoadMigration', 'Restore', 'NotifyRolledBack', 'ReleaseLock'].map((s) =>
      entry(5, `rollback/${s}`, 'ok'),
    );

    // Act
    const lines = [...child, entry(9, 'rollback/RolledBack', 'succeed', 'Succeed')].flatMap((e) =>
      view.push(e),
    );

    // Assert
    expect(lines).toEqual([expect.stringMatching(/^\+00:00:05 {2}rollback\/\* \(5 states\) +ok in 4 s$/)]);
  });

  it('colours and marks outcomes on a terminal, and prints plain text in a pipe or with NO_COLOR', () => {
    // Arrange
    const on = new TimelineView(30, styleFor({ interactive: true, env: {} }));
    const noColor = new TimelineView(30, styleFor({ interactive: true, env: { NO_COLOR: '1' } }));
    const pipe = new TimelineView(30, styleFor({ interactive: false, env: {} }));
    const failed = entry(0, 'SwitchDns', 'failed: AccessDenied: x');

    // Act / Assert
    expect(on.push(failed)[0]).toContain('\x1b[31m✗ failed: AccessDenied\x1b[39m');
    expect(noColor.push(failed)[0]).toMatch(/SwitchDns +failed: AccessDenied$/);
    expect(pipe.push(failed)[0]).not.toContain('\x1b');
  });

  it('wraps a long line at words for a terminal, going on under its indent', () => {
    expect(wrap(`  ${'word '.repeat(30).trim()}`, 40)).toEqual([
      '  word word word word word word word',
      '    word word word word word word word',
      '    word word word word word word word',
      '    word word word word word word word',
      '    word word',
    ]);
    expect(wrap('x '.repeat(80), undefined)).toHaveLength(1);
  });
});

describe('what a rollback left, and what was retried, as the output shows it', () => {
  const parameter = (value: string) => ({ value, type: 'String' });

  it('names the key a resource not restored still differs in, from its starting value to now', () => {
    const drift = [
      {
        resource: 'ssm-parameter:/reval/prod/cognito-user-pool-id',
        expected: parameter('eu-west-2_OldPool01'),
        actual: parameter('eu-west-2_NewPool01'),
      },
      {
        resource: 'cognito-user:eu-west-2_NewPool01/canary',
        expected: null,
        actual: { status: 'CONFIRMED' },
      },
    ];

    expect(driftLines(drift)).toEqual([
      '  Not restored: ssm-parameter:/reval/prod/cognito-user-pool-id  value: eu-west-2_OldPool01 → eu-west-2_NewPool01',
      '  Not restored: cognito-user:eu-west-2_NewPool01/canary  was absent, is there now',
    ]);
  });

  it('lists ten, then how many more and where they all are; --full lists all', () => {
    const drift = Array.from({ length: 25 }, (_, i) => ({
      resource: `cognito-user:eu-west-2_NewPool01/user-${i}`,
      expected: null,
      actual: { status: 'RESET_REQUIRED' },
    }));

    const lines = driftLines(drift);

    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe('  … and 15 more (--full or --json lists them all)');
    expect(driftLines(drift, true)).toHaveLength(25);
  });

  it('prints the same retried failure once, with how many times', () => {
    const throttled = {
      state: 'rollback/CountShard',
      error: 'AwsTransient',
      cause: 'TooManyRequestsException: Too many requests',
      attempt: 2,
    };

    expect(retriedLines([throttled, throttled, { ...throttled, attempt: 3 }])).toEqual([
      'Retried rollback/CountShard 3 times (up to attempt 3) after AwsTransient: TooManyRequestsException: Too many requests',
    ]);
    expect(retriedLines([throttled])).toEqual([
      'Retried rollback/CountShard (attempt 2) after AwsTransient: TooManyRequestsException: Too many requests',
    ]);
  });
});

/** A rehearsal that times out at CheckHealth and is not rolled back: a stop with changes left. */
const STOPPED_HALF_WAY = [
  'rehearse',
  '--plan',
  'examples/plan.json',
  '--timeout-at',
  'CheckHealth',
  '--no-auto-rollback',
];

describe('what the commands print', () => {
  it('rehearse --unhealthy: an hour of failing polls and the rollback fit on a screen', async () => {
    // Act
    const { code, stdout } = await cutover('rehearse', '--plan', 'examples/plan.json', '--unhealthy');

    // Assert
    expect(code).toBe(3);
    expect(stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(45);
    expect(stdout).toMatch(
      /CheckHealth +fail: GET https:\/\/admin\.tis\.example\.org\/health: HTTP 503, expected 200 \(\+3 more\), 0\/3 passed$/m,
    );
    expect(stdout).toMatch(/… the same 119 more times, until \+01:00:55$/m);
    // The cause is printed once, under the failure, not in the timeline too.
    expect(stdout.match(/Not healthy 3 times in a row/g)).toHaveLength(1);
  });

  it('says a retried success was retried, not that it failed', async () => {
    // Act
    const { code, stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--crash',
      'SwitchDns',
    );

    // Assert
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Retried SwitchDns \(attempt 2\) after Lambda\.Unknown: /m);
    expect(stdout).not.toMatch(/^Failed in/m);
  });

  it.each([
    ['--reject-approval', /^No-go at AwaitApproval: No-go from an operator/m],
    ['--approval-timeout', /^Nobody answered the go\/no-go within approval\.timeoutSeconds/m],
  ])('says %s in its own words, and ends with the command that comes next', async (flag, words) => {
    // Act
    const { stdout } = await cutover('rehearse', '--plan', 'examples/plan.json', flag);

    // Assert
    expect(stdout).toMatch(words);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      'Every change is restored. Fix the cause above, then: cutover rehearse --plan examples/plan.json',
    );
  });

  it('names the command that finishes a stop, and it runs as printed on the world --state-dir kept', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'next-'));
    const stopped = await cutover(...STOPPED_HALF_WAY, '--state-dir', dir);
    const next = stopped.stdout.trimEnd().split('\n').at(-1) ?? '';

    // Act
    const finished = await cutover(
      ...next.slice(next.indexOf('cutover rollback') + 'cutover '.length).split(' '),
    );

    // Assert
    expect(next).toBe(
      `The cutover stopped without rolling back. Next: cutover rollback --plan examples/plan.json --migration-id tis-prod-pool-v1-to-v2 --state-dir ${dir}`,
    );
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('World restored to its starting state: yes');
  });

  it('says a stop without --state-dir left no world to finish, and how to keep one', async () => {
    // Act
    const { stdout } = await cutover(...STOPPED_HALF_WAY);

    // Assert
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      'The cutover stopped without rolling back. This world was not kept: rehearse again with --state-dir DIR, then: cutover rollback --plan examples/plan.json --migration-id tis-prod-pool-v1-to-v2 --state-dir DIR',
    );
  });

  it('prints what a rollback left once: a change not restored is not repeated under the world check', async () => {
    // Act
    const { code, stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--fail-restore',
      'ssm-parameter',
      '--fail',
      'SwitchServices',
    );

    // Assert
    expect(code).toBe(4);
    expect(stdout).not.toMatch(/^ {2}Not restored: ssm-parameter/m);
    expect(stdout).toMatch(
      /^ {2}Not restored, as changed above: ssm-parameter:\/reval\/prod\/cognito-user-pool-id, ssm-parameter:\/usermanagement\/prod\/under-maintenance$/m,
    );
  });

  it('says an abort is an abort', async () => {
    const { stdout } = await cutover(
      'rehearse',
      '--plan',
      'examples/plan.json',
      '--abort-at',
      'SwitchServices',
    );

    expect(stdout).toMatch(/^Aborted: The execution was aborted as it entered SwitchServices\.$/m);
  });

  it('says a rollback with nothing to restore restored nothing and told no one', async () => {
    // Act
    const args = ['rollback', '--plan', 'examples/plan.json', '--migration-id', 'tis-prod-pool-v1-to-v2'];
    const { stdout } = await cutover(...args);
    const { report } = await cutoverJson(...args);

    // Assert
    expect(stdout).toMatch(/^Nothing to restore: .* Nothing was changed and no one was told\.$/m);
    expect(stdout).not.toContain('Every change is restored');
    expect(report).toMatchObject({ status: 'ROLLED_BACK', restored: [], notifications: [] });
  });

  it('says a dry-run whose Preflight failed did not compute the changes', async () => {
    // Act
    const { code, stdout } = await cutover('plan', '--plan', 'examples/plan.json', '--missing-group');

    // Assert
    expect(code).toBe(5);
    expect(stdout).toContain('The changes were not computed: Preflight found the problems above');
    expect(stdout).not.toContain('0 resource(s)');
  });
});

describe('--json on every path', () => {
  it.each([
    [
      'a missing file',
      ['rehearse', '--plan', 'no/such/plan.json'],
      'INVALID_PLAN',
      /Cannot read plan no\/such\/plan\.json/,
    ],
    ['invalid JSON', ['plan', '--plan', planFile('{ "migrationId": ')], 'INVALID_PLAN', /is not valid JSON/],
    ['an unknown option', ['rehearse', '--bogus'], 'USAGE_ERROR', /unknown option '--bogus'/],
  ])('reports %s as JSON with status and errors, exit 2', async (_, args, status, message) => {
    // Act
    const { code, stdout } = await cutover(...args, '--json');

    // Assert
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ status, errors: [{ message: expect.stringMatching(message) }] });
  });

  it('reports each bad field of an invalid plan', async () => {
    // Act
    const { code, stdout } = await cutover('progress', '--plan', planFile({ migrationId: 'x' }), '--json');

    // Assert
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'INVALID_PLAN',
      errors: expect.arrayContaining([{ path: 'region', message: expect.any(String) }]),
    });
  });
});

describe('a flag that does nothing for the plan', () => {
  it('is warned about on stderr, and the rehearsal still runs', async () => {
    // Arrange: a plan without the go/no-go
    const plan = planFile(edited((p) => delete p.approval));

    // Act
    const { code, stderr } = await cutover('rehearse', '--plan', plan, '--reject-approval');

    // Assert
    expect(code).toBe(0);
    expect(stderr).toContain(
      'cutover: warning: --reject-approval does nothing: the plan does not set approval.required, so nobody is asked.',
    );
  });

  it('is not warned about when the plan uses it', async () => {
    const { stderr } = await cutover('rehearse', '--plan', 'examples/plan.json', '--reject-approval');

    expect(stderr).not.toContain('warning');
  });
});
