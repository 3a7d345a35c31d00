import { DeleteParameterCommand, GetParameterHistoryCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import * as aws from '../aws/aws.ts';
import { isNotFound, named } from '../aws/clients.ts';
import { ResourceNotFound } from '../errors.ts';
import type { ParameterRef, ParameterState } from '../kinds/ssm-parameter.ts';
import { ssmParameterReader } from './reads/ssm-parameter.ts';
import type { Resource } from './resource.ts';

export type { ParameterRef, ParameterState, ParameterType } from '../kinds/ssm-parameter.ts';
export { described, setTo } from '../kinds/ssm-parameter.ts';

/**
 * One version from the parameter's history, which Parameter Store keeps (the last 100 versions),
 * each with the KMS key that encrypts it
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html).
 */
async function historyOf(region: string, name: string, version: number) {
  let NextToken: string | undefined;
  do {
    const out = await named(
      `reading version ${version} of SSM parameter ${name} from its history`,
      aws
        .ssm(region)
        .send(
          new GetParameterHistoryCommand({ Name: name, WithDecryption: true, MaxResults: 50, NextToken }),
        ),
    );
    const found = out.Parameters?.find((p) => p.Version === version);
    if (found) return found;
    NextToken = out.NextToken;
  } while (NextToken);
  throw new ResourceNotFound(
    `Version ${version} of SSM parameter ${name} is no longer in its history (Parameter Store keeps the last 100): restore it by hand.`,
  );
}

/**
 * PutParameter over a SecureString encrypts with the account's default key unless told the key,
 * so every write names the key the version it replaces or restores was encrypted with
 * (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
 */
export const ssmParameter: Resource<ParameterRef, ParameterState> = {
  ...ssmParameterReader,

  async write(region, ref, to, from) {
    const ssm = aws.ssm(region);
    if (!to) {
      if (!from) return [];
      try {
        await named(
          `deleting SSM parameter ${ref.name}`,
          ssm.send(new DeleteParameterCommand({ Name: ref.name })),
        );
      } catch (error) {
        if (!isNotFound(error, 'ParameterNotFound')) throw error;
      }
      return [];
    }
    // A SecureString restored from its history, value and key, or the plan's value under the key it has now.
    const source =
      to.value === undefined
        ? await historyOf(region, ref.name, to.version)
        : from?.type === 'SecureString'
          ? { Value: to.value, KeyId: (await historyOf(region, ref.name, from.version)).KeyId }
          : { Value: to.value, KeyId: undefined };
    await named(
      `writing SSM parameter ${ref.name}`,
      ssm.send(
        new PutParameterCommand({
          Name: ref.name,
          Value: source.Value,
          Type: to.type,
          Overwrite: true,
          ...(to.type === 'SecureString' && source.KeyId ? { KeyId: source.KeyId } : {}),
        }),
      ),
    );
    return [];
  },
};
