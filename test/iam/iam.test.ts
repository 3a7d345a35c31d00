import { describe, expect, it } from 'vitest';
import { FUNCTION_COMMANDS } from '../../src/iam/manifest.ts';
import { type FunctionKey, statementsOf } from '../../src/iam/roles.ts';
import { parsePlan } from '../../src/plan/schema.ts';
import { edited } from '../fixtures/plans.ts';
import { anyCustomerKey, decide, type Request, requestsOf, resolve, stackNames, via } from './iam.ts';

// The roles `serverless package` deploys are these statements (test/deploy/package.test.ts proves
// it, and simulates the dev stage's). This plan names every kind of binding, an aliased function
// among them, so each grant is exercised.
const plan = parsePlan(
  edited((p) => {
    p.services[0].bindings.push({
      kind: 'lambda-environment',
      functionName: 'reval-prod-api',
      alias: 'live',
      variables: { USER_POOL_ID: '{{newPool.userPoolId}}' },
    });
  }),
);
const names = stackNames(plan, 'prod');
const FUNCTIONS = Object.keys(FUNCTION_COMMANDS) as FunctionKey[];
const roleOf = (fn: FunctionKey) =>
  resolve(statementsOf(fn, { service: 'cognito-cutover', stage: 'prod', plan }), names) as never[];

const SECRET = (name: string) => `arn:aws:secretsmanager:eu-west-2:111122223333:secret:${name}-AbCdEf`;
const PARAMETER = (name: string) => `arn:aws:ssm:eu-west-2:111122223333:parameter/${name}`;
const FREEZE_FLAG = PARAMETER('usermanagement/prod/under-maintenance');
const REVAL_POOL_ID = PARAMETER('reval/prod/cognito-user-pool-id');
const FROZEN_API = 'arn:aws:apigateway:eu-west-2::/restapis/um0api1234';
const CANARY = SECRET('tis-cutover-canary');
const BOUND_SECRET = SECRET('usermanagement-cognito-prod');

describe('each role, simulated by iam-simulate', () => {
  it.each(
    FUNCTIONS,
  )('allows %s every call its code makes, on every resource its step touches', async (fn) => {
    // Arrange
    const role = roleOf(fn);
    const requests = requestsOf(fn, plan, names);

    // Act
    const refused: string[] = [];
    for (const request of requests) {
      const decision = await decide(role, request, names.account);
      if (decision !== 'Allowed') refused.push(`${request.action} on ${request.resource}: ${decision}`);
    }

    // Assert
    expect(refused).toEqual([]);
  });

  it.each<[FunctionKey, string, Request]>([
    ['restrictWrites', 'a binding', { action: 'ssm:PutParameter', resource: REVAL_POOL_ID }],
    ['releaseWrites', 'a binding', { action: 'ssm:PutParameter', resource: REVAL_POOL_ID }],
    ['switchServices', 'the freeze flag', { action: 'ssm:PutParameter', resource: FREEZE_FLAG }],
    ['switchServices', 'the frozen API', { action: 'apigateway:PATCH', resource: FROZEN_API }],
    ['switchServices', "the canary's secret", { action: 'secretsmanager:GetSecretValue', resource: CANARY }],
    ['rollback', "the canary's secret", { action: 'secretsmanager:GetSecretValue', resource: CANARY }],
    ['checkHealth', 'a bound secret', { action: 'secretsmanager:GetSecretValue', resource: BOUND_SECRET }],
    ['preflight', 'a binding', { action: 'ssm:PutParameter', resource: REVAL_POOL_ID }],
    [
      'preflight',
      'a role no service of the plan names',
      { action: 'iam:SimulatePrincipalPolicy', resource: 'arn:aws:iam::111122223333:role/admin' },
    ],
    [
      'checkServices',
      'a service',
      {
        action: 'ecs:UpdateService',
        resource: 'arn:aws:ecs:eu-west-2:111122223333:service/tis-prod/usermanagement',
      },
    ],
    [
      'userMigration',
      "the new pool's clients",
      {
        action: 'cognito-idp:DescribeUserPoolClient',
        resource: 'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01',
      },
    ],
    [
      'releaseLock',
      'the ledger, a verb it never sends',
      { action: 'dynamodb:PutItem', resource: names.ids['LedgerTable.Arn'] ?? '' },
    ],
    [
      'notify',
      'the ledger, a verb it never sends',
      { action: 'dynamodb:UpdateItem', resource: names.ids['LedgerTable.Arn'] ?? '' },
    ],
    [
      'switchServices',
      'a key, directly rather than through Secrets Manager',
      { action: 'kms:Decrypt', resource: anyCustomerKey(names) },
    ],
    [
      'checkHealth',
      'a key, through Parameter Store',
      { action: 'kms:Decrypt', resource: anyCustomerKey(names), context: via('ssm', names) },
    ],
  ])('denies %s %s', async (fn, _what, request) => {
    // Act
    const decision = await decide(roleOf(fn), request, names.account);

    // Assert
    expect(decision).toBe('ImplicitlyDenied');
  });
});
