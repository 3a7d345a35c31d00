import * as z from 'zod';
import { checkServices } from '../src/steps/check-services.ts';
import { parseInput } from '../src/steps/core/input.ts';

const input = z.object({
  deployments: z.array(
    z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('ecs-deployment'),
        region: z.string(),
        cluster: z.string(),
        service: z.string(),
      }),
      z.object({
        kind: z.literal('lambda-update'),
        region: z.string(),
        functionName: z.string(),
        alias: z.string().exactOptional(),
      }),
    ]),
  ),
  since: z.iso.datetime(),
});

export const handler = async (event: unknown) => {
  const { deployments, since } = parseInput(input, event);
  return checkServices(deployments, since);
};
