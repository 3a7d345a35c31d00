import { AwsCallFailed } from '../errors.ts';
import type { Kind } from './kind.ts';

export interface PolicyRef {
  restApiId: string;
  stageName: string;
}

export interface PolicyState {
  /** The REST API's resource policy as canonical JSON text; null when it has none. */
  policy: string | null;
}

type PolicyDocument = Record<string, unknown> & { Statement?: unknown };

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * GetRestApi returns the policy JSON-escaped (`{\"Version\":...}`, `\/`), so it is not JSON until
 * unescaped as the body of a JSON string. Plain JSON is accepted too.
 */
export function parsePolicy(text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = JSON.parse(JSON.parse(`"${text}"`) as string);
    } catch (error) {
      throw new AwsCallFailed(`the REST API resource policy is not valid JSON: ${text.slice(0, 200)}`, {
        cause: error,
      });
    }
  }
  if (!isObject(parsed))
    throw new AwsCallFailed(`the REST API resource policy is not a JSON object: ${text}`);
  return parsed;
}

/** The policy as canonical JSON text, so that two reads of the same policy compare equal. */
export function canonicalPolicy(text: string | undefined | null): string | null {
  return text ? JSON.stringify(parsePolicy(text)) : null;
}

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

export const apigatewayPolicy: Kind<'apigateway-policy', PolicyRef, PolicyState> = {
  restoredBy: { service: 'APIGateway', command: 'UpdateRestApi' },
  commands: {
    read: ['APIGateway:GetRestApi', 'APIGateway:GetStage'],
    write: ['APIGateway:CreateDeployment', 'APIGateway:UpdateRestApi'],
  },
  freeze: {
    ref: (f) => ({ restApiId: f.restApiId, stageName: f.stageName }),
    check: (f) => `REST API ${f.restApiId} stage ${f.stageName}`,
    approval: (f) => `freeze ${f.methods.join('/')} on REST API ${f.restApiId} (${f.stageName})`,
    switched: (current, f) => ({ policy: frozenPolicy(current.policy, f.methods) }),
    summary: (state) => (state.policy ? 'has a resource policy' : 'has no resource policy yet'),
    iam: (f) => ({ 'rest-api': [f.restApiId] }),
  },
};
