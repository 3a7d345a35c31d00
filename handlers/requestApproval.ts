import * as z from 'zod';
import { requestApproval } from '../src/steps/approval.ts';
import { contextFrom, parseInput } from '../src/steps/input.ts';

const input = z.looseObject({ taskToken: z.string().min(1) });

export const handler = async (event: unknown) =>
  requestApproval(contextFrom(event, 'AwaitApproval'), parseInput(input, event).taskToken);
