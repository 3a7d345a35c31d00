import { DeleteParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../../aws/aws.ts';
import { isNotFound, named } from '../../aws/clients.ts';
import { type ParameterRef, type ParameterState, ssmParameterReader } from './reads/ssm-parameter.ts';
import type { Resource } from './resource.ts';

export type { ParameterRef, ParameterState, ParameterType } from './reads/ssm-parameter.ts';

export const ssmParameter: Resource<ParameterRef, ParameterState> = {
  ...ssmParameterReader,

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
