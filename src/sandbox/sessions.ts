import type { Deployment, RestApi, Session, World } from './world.ts';

/** How often a signed-in user's app calls a guarded API. */
export const CALL_INTERVAL_MS = 60_000;

export interface SessionsSeen {
  /** Users signed in when the rehearsal started, with a token still valid. */
  signedIn: number;
  /** Calls their apps made to the guarded APIs from the start of the rehearsal while their tokens were valid. */
  requests: number;
  /**
   * Of those, the calls an authorizer refused only because it no longer trusted the pool that issued
   * the token: the user was signed out by the cutover, not by their token expiring.
   */
  sessionsCut: number;
}

/** The deployment a stage served at `at`: the last one it moved to by then. */
function servedAt(
  api: RestApi,
  history: { at: number; deploymentId: string }[],
  at: number,
): Deployment | undefined {
  let id: string | undefined;
  for (const entry of history) if (entry.at <= at) id = entry.deploymentId;
  return id === undefined ? undefined : api.deployments.get(id);
}

/**
 * What the signed-in users met from `from` on, until `to` or their tokens expire: each session calls every stage whose
 * authorizer trusted its pool when the rehearsal started, once a minute while its token is valid. An
 * API Gateway Cognito authorizer accepts a token only from a pool it names, until the token expires
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html).
 */
export function sessionsSeen(world: World, from: number, to = Number.POSITIVE_INFINITY): SessionsSeen {
  const seen: SessionsSeen = { signedIn: 0, requests: 0, sessionsCut: 0 };
  const live = world.sessions.filter((s: Session) => s.expiresAt > from && s.issuedAt <= from);
  seen.signedIn = live.length;
  for (const api of world.restApis.values()) {
    for (const stage of api.stages.values()) {
      for (const authorizer of api.authorizers.values()) {
        const trusts = (session: Session, at: number) =>
          servedAt(api, stage.history, at)?.providerARNs[authorizer.id]?.includes(session.poolArn) ?? false;
        for (const session of live.filter((s) => trusts(s, from))) {
          const first =
            session.issuedAt + Math.ceil((from - session.issuedAt) / CALL_INTERVAL_MS) * CALL_INTERVAL_MS;
          for (let at = first; at < Math.min(session.expiresAt, to); at += CALL_INTERVAL_MS) {
            seen.requests++;
            if (!trusts(session, at)) seen.sessionsCut++;
          }
        }
      }
    }
  }
  return seen;
}
