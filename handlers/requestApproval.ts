import * as z from 'zod';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { requestApproval } from '../src/steps/request-approval.ts';

const input = z.looseObject({
  taskToken: z.string().min(1),
  // Preflight's checks, for the approver to read; a cutover started before they were passed has none.
  preflight: z
    .looseObject({
      checks: z.array(z.looseObject({ check: z.string(), ok: z.boolean(), detail: z.string() })),
    })
    .optional(),
});

export const handler = async (event: unknown) => {
  const { taskToken, preflight } = parseInput(input, event);
  return requestApproval(contextFrom(event, 'AwaitApproval'), taskToken, preflight);
};
