import { DeleteParameterCommand, GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import type { Resource } from './resource.ts';

export interface ParameterRef {
  name: string;
}

export type ParameterType = 'String' | 'StringList' | 'SecureString';

/** Null when the parameter does not exist: a cutover may create it, and rollback then deletes it. */
export type ParameterState = { value: string; type: ParameterType } | null;

export const ssmParameter: Resource<ParameterRef, ParameterState> = {
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

  async write(region, ref, to, from) {
    const ssm = aws.ssm(region);
    if (to) {
      await named(
        `writing SSM parameter ${ref.name}`,
        ssm.send(
          new PutParameterCommand({ Name: ref.name, Value: to.value, Type: to.type, Overwrite: true }),
        ),
      );
    } else if (from) {
      try {
        await named(
          `deleting SSM parameter ${ref.name}`,
          ssm.send(new DeleteParameterCommand({ Name: ref.name })),
        );
      } catch (error) {
        if (!isNotFound(error, 'ParameterNotFound')) throw error;
      }
    }
    return [];
  },
};
