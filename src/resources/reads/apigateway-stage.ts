// Read side of ../apigateway-stage.ts, apart from its deployment for least privilege: Preflight only reads.

import { GetStageCommand } from '@aws-sdk/client-api-gateway';
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
