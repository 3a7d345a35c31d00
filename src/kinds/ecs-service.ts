import type { Kind } from './kind.ts';

export interface ServiceRef {
  cluster: string;
  service: string;
}

export interface ServiceState {
  taskDefinition: string;
  desiredCount: number;
}

export const ecsService: Kind<'ecs-service', ServiceRef, ServiceState> = {
  restoredBy: { service: 'ECS', command: 'UpdateService' },
  commands: { read: ['ECS:DescribeServices'], write: ['ECS:UpdateService'] },
  binding: {
    ref: (b) => ({ cluster: b.cluster, service: b.service }),
    check: (b) => `ECS service ${b.cluster}/${b.service}`,
    approval: (b) => `redeploy ECS service ${b.cluster}/${b.service}`,
    // A redeploy changes no field: it is acted on, and its tasks read the values switched before it.
    switched: (current) => current,
    summary: (state) => `runs ${state.taskDefinition}`,
    // A service has its cluster in its ARN only in an account that opted in to the long ARN format;
    // in one that did not it is `service/<name>` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html#ecs-resource-ids).
    iam: (b) => ({ 'ecs-service': [`service/${b.cluster}/${b.service}`, `service/${b.service}`] }),
  },
};
