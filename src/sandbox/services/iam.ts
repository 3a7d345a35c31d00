import {
  IAMServiceException,
  type SimulatePrincipalPolicyCommandInput,
  type SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';
import type { Env, Out, ServiceModel } from '../core.ts';
import type { RoleStatement } from '../world.ts';

/** IAM's wildcard: `*` matches any run of characters, and matching is case-insensitive for actions. */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

const allows = (statements: RoleStatement[], action: string, resource: string) =>
  statements.some(
    (s) => s.actions.some((a) => matches(a, action, true)) && s.resources.some((r) => matches(r, resource)),
  );

/**
 * Evaluates a role's identity policies for each action on each resource: `allowed` when an Allow
 * statement matches both, else `implicitDeny`
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html). A role
 * the world holds no policies for is allowed everything but what the world denies every role.
 */
function SimulatePrincipalPolicy(
  input: SimulatePrincipalPolicyCommandInput,
  { world }: Env,
): Out<SimulatePrincipalPolicyCommandOutput> {
  const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
  const statements = world.roles.get(input.PolicySourceArn ?? '');
  const decide = (action: string, resource: string) =>
    statements ? allows(statements, action, resource) : !world.deniedActions.has(action);
  return {
    IsTruncated: false,
    EvaluationResults: (input.ActionNames ?? []).flatMap((action) =>
      resources.map((resource) => ({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decide(action, resource) ? 'allowed' : 'implicitDeny',
      })),
    ),
  };
}

export const iam: ServiceModel = {
  exception: IAMServiceException,
  commands: { SimulatePrincipalPolicy },
};
