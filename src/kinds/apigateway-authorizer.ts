import type { Kind } from './kind.ts';

export interface AuthorizerRef {
  restApiId: string;
  authorizerId: string;
  stageName: string;
}

export interface AuthorizerState {
  /** The user pool ARNs the authorizer accepts tokens from, sorted. */
  providerARNs: string[];
}

export const apigatewayAuthorizer: Kind<'apigateway-authorizer', AuthorizerRef, AuthorizerState> = {
  restoredBy: { service: 'APIGateway', command: 'UpdateAuthorizer' },
  commands: {
    read: ['APIGateway:GetAuthorizer', 'APIGateway:GetStage'],
    write: ['APIGateway:CreateDeployment', 'APIGateway:UpdateAuthorizer'],
  },
  binding: {
    ref: (b) => ({ restApiId: b.restApiId, authorizerId: b.authorizerId, stageName: b.stageName }),
    check: (b) => `authorizer ${b.authorizerId} of REST API ${b.restApiId}`,
    approval: (b) => `authorizer ${b.authorizerId} of REST API ${b.restApiId}`,
    // During the grace window tokens of both pools are accepted; after it, the new pool's alone.
    switched: (current, _b, to) => ({
      providerARNs: [
        ...new Set([
          ...current.providerARNs.filter((arn) => to.keepOldPool || arn !== to.oldPoolArn),
          to.newPoolArn,
        ]),
      ].sort(),
    }),
    summary: (state) => `uses ${state.providerARNs.join(', ') || 'no pool'}`,
    iam: (b) => ({ 'rest-api': [b.restApiId] }),
  },
};
