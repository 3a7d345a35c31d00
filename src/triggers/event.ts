import type * as z from 'zod';
import { TriggerEventInvalid } from '../errors.ts';
import { logger } from '../logger.ts';

/**
 * Parses a Cognito trigger event; a malformed one is refused with `TriggerEventInvalid` naming each
 * bad field. Unknown keys are kept (the schemas are loose objects): Cognito reads `response` back
 * from the event the function returns, and fields it adds later must survive the round trip.
 */
export function parseTriggerEvent<S extends z.ZodType>(
  trigger: string,
  schema: S,
  event: unknown,
): z.output<S> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  // Built from paths and the schema's expectations only: an issue can carry what was received, and a
  // UserMigration event carries the user's password. For the same reason the ZodError is not the cause.
  const problems = result.error.issues.map((issue) => `${pathOf(issue.path)}: ${expectation(issue)}`);
  const error = new TriggerEventInvalid(`The ${trigger} event is malformed: ${problems.join('; ')}`);
  logger.error('Trigger event is malformed', { trigger, error });
  throw error;
}

/** `request.groupConfiguration.groupsToOverride[1]`: the field as it reads in the event's JSON. */
function pathOf(path: readonly PropertyKey[]): string {
  const joined = path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
  return joined || '(event)';
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
    case 'invalid_union':
      return 'options' in issue && issue.options
        ? `expected ${issue.options.map((value) => JSON.stringify(value)).join(' or ')}`
        : 'matches none of the accepted shapes';
    case 'invalid_format':
      return 'prefix' in issue && typeof issue.prefix === 'string'
        ? `expected a string starting with ${JSON.stringify(issue.prefix)}`
        : `expected a ${issue.format}`;
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1
        ? 'expected a non-empty string'
        : `expected at least ${issue.minimum}`;
    default:
      return 'is invalid';
  }
}
