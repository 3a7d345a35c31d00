import { GetChangeCommand } from '@aws-sdk/client-route-53';
import * as aws from '../aws/aws.ts';
import { named } from '../aws/clients.ts';
import { AwsCallFailed } from '../errors.ts';

/** A Route 53 change's status. Apart from the record adapter, so a poller is granted only this read. */
export async function changeStatus(region: string, changeId: string): Promise<'PENDING' | 'INSYNC'> {
  const out = await named(
    `reading Route 53 change ${changeId}`,
    aws.route53(region).send(new GetChangeCommand({ Id: changeId.replace(/^\/change\//, '') })),
  );
  const status = out.ChangeInfo?.Status;
  if (status !== 'PENDING' && status !== 'INSYNC') {
    throw new AwsCallFailed(`reading Route 53 change ${changeId}: unexpected status ${String(status)}`);
  }
  return status;
}
