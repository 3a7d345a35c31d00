import * as z from 'zod';
import { contextFrom, parseInput } from '../src/steps/core/input.ts';
import { requestApproval } from '../src/steps/request-approval.ts';

const input = z.looseObject({ taskToken: z.string().min(1) });

export const handler = async (event: unknown) =>
  requestApproval(contextFrom(event, 'AwaitApproval'), parseInput(input, event).taskToken);
