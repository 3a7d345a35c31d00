// Read side of ../ssm-parameter.ts, apart from its write for least privilege: Preflight only reads.

import { GetParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import type { ParameterRef, ParameterState, ParameterType } from '../../kinds/ssm-parameter.ts';
import { digest } from '../../redact.ts';
import type { ResourceReader } from '../resource.ts';

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
