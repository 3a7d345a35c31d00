import { UpdateAliasCommand } from '@aws-sdk/client-lambda';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';

// Apart from the environment's adapter, so the poller that moves an alias loads no other write.

/** Points `alias` at `version`, which exists and serves what the alias should. */
export async function moveAlias(region: string, functionName: string, alias: string, version: string) {
  await named(
    `moving alias ${alias} of Lambda function ${functionName} to version ${version}`,
    aws
      .lambda(region)
      .send(new UpdateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: version })),
  );
}
