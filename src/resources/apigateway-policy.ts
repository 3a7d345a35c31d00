import { UpdateRestApiCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { deployStage } from './apigateway-stage.ts';
import {
  apigatewayPolicyReader,
  isObject,
  type PolicyRef,
  type PolicyState,
  parsePolicy,
} from './reads/apigateway-policy.ts';
import type { Resource } from './resource.ts';

export { canonicalPolicy, type PolicyRef, type PolicyState } from './reads/apigateway-policy.ts';

export const FREEZE_SID = 'CognitoCutoverWriteFreeze';
export const ALLOW_ALL_SID = 'CognitoCutoverAllowAll';
const INVOKE = 'execute-api:Invoke';

type Statement = Record<string, unknown>;

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const sameSet = (a: unknown[], b: unknown[]) =>
  new Set(a).size === new Set(b).size && a.every((item) => b.includes(item));

/** API Gateway stores `execute-api:/...` as `arn:aws:execute-api:<region>:<account>:<api>/...`. */
const shortResource = (resource: unknown) =>
  typeof resource === 'string'
    ? resource.replace(/^arn:aws[\w-]*:execute-api:[^:]*:[^:]*:[^/]*\//, 'execute-api:/')
    : resource;

const isAnyone = (principal: unknown) =>
  principal === '*' || (isObject(principal) && Object.keys(principal).length === 1 && principal.AWS === '*');

/** True when `existing` denies what `wanted` denies, however API Gateway has rewritten it. */
function sameFreeze(existing: unknown, wanted: Statement): boolean {
  if (!isObject(existing)) return false;
  const { Sid: _sid, Effect, Principal, Action, Resource, ...rest } = existing;
  return (
    Object.keys(rest).length === 0 &&
    Effect === 'Deny' &&
    isAnyone(Principal) &&
    sameSet(asList(Action), [INVOKE]) &&
    sameSet(asList(Resource).map(shortResource), asList(wanted.Resource))
  );
}

/**
 * The policy with a Deny on `methods` for everyone. Applying it to its own result changes nothing.
 * Without a current policy an Allow for everyone comes too: a policy holding only a Deny would
 * implicitly deny every request to an API that uses a Cognito or Lambda authorizer.
 */
export function frozenPolicy(current: string | null, methods: string[]): string {
  const freeze: Statement = {
    Sid: FREEZE_SID,
    Effect: 'Deny',
    Principal: '*',
    Action: INVOKE,
    Resource: [...new Set(methods)].map((method) => `execute-api:/*/${method}/*`),
  };
  if (!current) {
    const allowAll = {
      Sid: ALLOW_ALL_SID,
      Effect: 'Allow',
      Principal: '*',
      Action: INVOKE,
      Resource: 'execute-api:/*',
    };
    return JSON.stringify({ Version: '2012-10-17', Statement: [allowAll, freeze] });
  }
  const policy = parsePolicy(current);
  const statements = asList(policy.Statement);
  const at = statements.findIndex((s) => isObject(s) && s.Sid === FREEZE_SID);
  if (at >= 0 && sameFreeze(statements[at], freeze)) return JSON.stringify(policy);
  const next = at >= 0 ? statements.map((s, i) => (i === at ? freeze : s)) : [...statements, freeze];
  return JSON.stringify({ ...policy, Statement: next });
}

export const apigatewayPolicy: Resource<PolicyRef, PolicyState> = {
  ...apigatewayPolicyReader,

  async write(region, ref, to) {
    const client = aws.apiGateway(region);
    await named(
      `updating the resource policy of REST API ${ref.restApiId}`,
      client.send(
        new UpdateRestApiCommand({
          restApiId: ref.restApiId,
          patchOperations: [{ op: 'replace', path: '/policy', value: to.policy ?? '' }],
        }),
      ),
    );
    await deployStage(region, ref, 'cognito-cutover: resource policy');
    return [];
  },
};
