// Read side of ../ssm-parameter.ts, apart from its write for least privilege: Preflight only reads.

import { GetParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import { digest } from '../../redact.ts';
import type { ResourceReader } from '../resource.ts';

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

export const ssmParameterReader: ResourceReader<ParameterRef, ParameterState> = {
  kind: 'ssm-parameter',
  key: (ref) => `ssm-parameter:${ref.name}`,
  label: (ref) => `SSM parameter ${ref.name}`,

  async read(region, ref) {
    try {
      const out = await named(
        `reading SSM parameter ${ref.name}`,
        aws.ssm(region).send(new GetParameterCommand({ Name: ref.name, WithDecryption: true })),
      );
      const value = out.Parameter?.Value ?? '';
      const type = (out.Parameter?.Type ?? 'String') as ParameterType;
      return {
        type,
        version: out.Parameter?.Version ?? 0,
        ...(type === 'SecureString' ? {} : { value }),
        digest: digest(value),
      };
    } catch (error) {
      if (isNotFound(error, 'ParameterNotFound')) return null;
      throw error;
    }
  },

  // The version is where the value is kept, not what it is: an equal value written again is the same.
  same: (a, b) => (a === null || b === null ? a === b : a.type === b.type && a.digest === b.digest),
};
