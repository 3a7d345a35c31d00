// Read side of ../ssm-parameter.ts, apart from its write for least privilege: Preflight only reads.

import { GetParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../../../aws/aws.ts';
import { isNotFound, named } from '../../../aws/clients.ts';
import type { ResourceReader } from '../resource.ts';

export interface ParameterRef {
  name: string;
}

export type ParameterType = 'String' | 'StringList' | 'SecureString';

/** Null when the parameter does not exist: a cutover may create it, and rollback then deletes it. */
export type ParameterState = { value: string; type: ParameterType } | null;

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
      return { value: out.Parameter?.Value ?? '', type: (out.Parameter?.Type ?? 'String') as ParameterType };
    } catch (error) {
      if (isNotFound(error, 'ParameterNotFound')) return null;
      throw error;
    }
  },
};
