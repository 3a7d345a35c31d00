import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { PreflightFailed } from '../../errors.ts';
import { type Plan, USER_MANAGEMENT_ACTIONS } from '../../plan/schema.ts';

export type Service = Plan['services'][number];

/**
 * Whether a dependent service's role may call its Cognito actions on the new pool. A role whose
 * policy still names only the old pool's ARN is the wiring runbook's most common failure: after
 * the cutover the service meets AccessDeniedException (on AdminCreateUser, say). Simulated with
 * the role's own identity policies, one result per action on the new pool's ARN
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html); 50
 * actions at most, so the first page (100 results) holds them all.
 */
export async function serviceRoleAllowed(
  region: string,
  service: Service,
  roleArn: string,
  newPoolArn: string,
): Promise<string> {
  const actions = (service.cognitoActions ?? USER_MANAGEMENT_ACTIONS).map((name) => `cognito-idp:${name}`);
  const out = await named(
    `simulating ${roleArn}'s access to ${newPoolArn}`,
    aws.iam(region).send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: actions,
        ResourceArns: [newPoolArn],
      }),
    ),
  );
  const denied = [
    ...new Set(
      (out.EvaluationResults ?? [])
        .filter((r) => r.EvalDecision !== 'allowed')
        .map((r) => r.EvalActionName ?? ''),
    ),
  ];
  if (denied.length > 0) {
    const statement = JSON.stringify({ Effect: 'Allow', Action: denied, Resource: newPoolArn });
    throw new PreflightFailed([
      `role ${roleArn} may not call ${denied.join(', ')} on the new pool ${newPoolArn}, so after the cutover ${service.name} would fail with AccessDeniedException: add to the role ${statement}`,
    ]);
  }
  return `${roleArn} may call ${actions.map((a) => a.slice('cognito-idp:'.length)).join(', ')} on the new pool`;
}
