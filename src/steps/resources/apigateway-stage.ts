import { CreateDeploymentCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';

export interface StageRef {
  restApiId: string;
  stageName: string;
}

/** Throws ResourceNotFound when the stage a change must be deployed to does not exist. */
export function readStage(region: string, ref: StageRef) {
  return named(
    `reading stage ${ref.stageName} of REST API ${ref.restApiId}`,
    aws.apiGateway(region).send(new GetStageCommand({ restApiId: ref.restApiId, stageName: ref.stageName })),
  );
}

/** Policy and authorizer changes reach callers only through a new deployment of the stage. */
export function deployStage(region: string, ref: StageRef, description: string) {
  return named(
    `deploying REST API ${ref.restApiId} to stage ${ref.stageName}`,
    aws
      .apiGateway(region)
      .send(new CreateDeploymentCommand({ restApiId: ref.restApiId, stageName: ref.stageName, description })),
  );
}
