import { digest } from '../redact.ts';
import { type Kind, valueNow } from './kind.ts';

export interface ParameterRef {
  name: string;
}

export type ParameterType = 'String' | 'StringList' | 'SecureString';

/**
 * What the cutover knows of a parameter. A SecureString's value is never carried: its digest and
 * version stand in for it, and a restore reads that version back from the parameter's history.
 * Null when the parameter does not exist: a cutover may create it, and rollback then deletes it.
 */
export type ParameterState = {
  type: ParameterType;
  version: number;
  /** The value, but for a SecureString as read (the value a switch writes comes from the plan). */
  value?: string;
  digest: string;
} | null;

/** How a parameter reads in a report: its value, or what a SecureString holds without it. */
export function described(state: ParameterState): string {
  if (!state) return 'absent';
  return state.value !== undefined ? state.value : `a SecureString (${state.digest})`;
}

/** The state the parameter is in once `value` (the plan's, no secret) is written. */
export function setTo(current: ParameterState, value: string): ParameterState {
  return { type: current?.type ?? 'String', version: current?.version ?? 0, value, digest: digest(value) };
}

const holds = (state: ParameterState) => (state ? `holds ${described(state)}` : 'absent; it will be created');

export const ssmParameter: Kind<'ssm-parameter', ParameterRef, ParameterState> = {
  restoredBy: { service: 'SSM', command: 'PutParameter' },
  commands: {
    read: ['SSM:GetParameter'],
    write: ['SSM:DeleteParameter', 'SSM:GetParameterHistory', 'SSM:PutParameter'],
  },
  binding: {
    ref: (b) => ({ name: b.name }),
    check: (b) => `SSM parameter ${b.name}`,
    approval: (b) => `SSM parameter ${b.name}`,
    switched: (current, b, to) => setTo(current, valueNow(b, to)),
    summary: holds,
    iam: (b) => ({ parameter: [b.name] }),
  },
  freeze: {
    ref: (f) => ({ name: f.name }),
    check: (f) => `SSM parameter ${f.name}`,
    approval: (f) => `set ${f.name} to ${f.value} while writes are frozen`,
    switched: (current, f) => setTo(current, f.value),
    summary: holds,
    iam: (f) => ({ parameter: [f.name] }),
  },
};
