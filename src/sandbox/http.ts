import { MockAgent } from 'undici';
import type { World } from './world.ts';

const NO_BODY = new Set([204, 205, 304]);

/**
 * Answers the plan's HTTP health checks from the sandbox's state, decided per request so that
 * flipping `unhealthy` mid-rehearsal takes effect at the next poll. Anything else is refused,
 * so a check against a URL the plan does not name fails as it would against a dead host.
 */
export function healthAgent(world: World, isUnhealthy: () => boolean): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  for (const endpoint of world.endpoints) {
    const url = new URL(endpoint.url);
    const target = `${url.pathname}${url.search}`;
    agent
      .get(url.origin)
      .intercept({
        path: (path) => new URL(path, url.origin).href === new URL(target, url.origin).href,
        method: 'GET',
      })
      .reply(() => {
        const statusCode = isUnhealthy() ? 503 : endpoint.expectStatus;
        if (NO_BODY.has(statusCode)) return { statusCode };
        return {
          statusCode,
          data: statusCode === 503 ? 'Service Unavailable' : JSON.stringify({ status: 'ok' }),
          responseOptions: {
            headers: { 'content-type': statusCode === 503 ? 'text/plain' : 'application/json' },
          },
        };
      })
      .persist();
  }
  return agent;
}
