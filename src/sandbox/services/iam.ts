import {
  IAMServiceException,
  type SimulatePrincipalPolicyCommandInput,
  type SimulatePrincipalPolicyCommandOutput,
} from '@aws-sdk/client-iam';
import type { Env, Out, ServiceModel } from '../core.ts';

/** Every action is allowed on every resource, but those the world denies. */
function SimulatePrincipalPolicy(
  input: SimulatePrincipalPolicyCommandInput,
  { world }: Env,
): Out<SimulatePrincipalPolicyCommandOutput> {
  const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
  return {
    IsTruncated: false,
    EvaluationResults: (input.ActionNames ?? []).flatMap((action) =>
      resources.map((resource) => ({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: world.deniedActions.has(action) ? 'implicitDeny' : 'allowed',
      })),
    ),
  };
}

export const iam: ServiceModel = {
  exception: IAMServiceException,
  commands: { SimulatePrincipalPolicy },
};
