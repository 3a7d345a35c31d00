import { CreateDeploymentCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import type { StageRef } from './reads/apigateway-stage.ts';

export { readStage, type StageRef } from './reads/apigateway-stage.ts';

/** Policy and authorizer changes reach callers only through a new deployment of the stage. */
export function deployStage(region: string, ref: StageRef, description: string) {
  return named(
    `deploying REST API ${ref.restApiId} to stage ${ref.stageName}`,
    aws
      .apiGateway(region)
      .send(new CreateDeploymentCommand({ restApiId: ref.restApiId, stageName: ref.stageName, description })),
  );
}
