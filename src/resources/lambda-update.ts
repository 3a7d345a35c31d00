import { PublishVersionCommand } from '@aws-sdk/client-lambda';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { DeploymentStatus } from './ecs-deployment.ts';
import { moveAlias } from './lambda-alias.ts';
import { functionConfiguration } from './reads/lambda-environment.ts';

export interface FunctionUpdate {
  region: string;
  functionName: string;
  /** Published and moved to the new version once the update has finished. */
  alias?: string;
}

/**
 * Where a function's configuration update stands (LastUpdateStatus,
 * https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html). Once it has finished, an
 * alias it serves is given a version of it: PublishVersion is refused while the update runs, and
 * publishes nothing new when called again, so a later poll moves the alias to the same version.
 */
export async function functionUpdateStatus(
  update: FunctionUpdate,
): Promise<{ status: DeploymentStatus; reason?: string }> {
  const { region, functionName, alias } = update;
  const config = await functionConfiguration(region, functionName);
  if (config.LastUpdateStatus === 'Failed') {
    return {
      status: 'FAILED',
      reason: `${config.LastUpdateStatusReasonCode ?? 'Failed'}: ${config.LastUpdateStatusReason ?? ''}`,
    };
  }
  if (config.LastUpdateStatus === 'InProgress') return { status: 'IN_PROGRESS' };
  if (alias) {
    // The revision read just now: a change someone made since is not published under our name.
    const published = await named(
      `publishing a version of Lambda function ${functionName} for alias ${alias}`,
      aws
        .lambda(region)
        .send(new PublishVersionCommand({ FunctionName: functionName, RevisionId: config.RevisionId })),
    );
    await moveAlias(region, functionName, alias, published.Version ?? '$LATEST');
  }
  return { status: 'COMPLETED' };
}
