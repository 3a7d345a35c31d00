import { LedgerConflict } from '../errors.ts';
import { isResourceKind } from '../kinds/index.ts';
import type { ResourceKind } from '../kinds/kind.ts';
import { bindingResources } from './bindings.ts';
import { cognitoAppClient, cognitoMigrationTrigger } from './cognito-pool.ts';
import { freezeResources } from './freezes.ts';
import type { AnyResource } from './resource.ts';
import { route53Record } from './route53-record.ts';

/** Every kind's adapter: what Rollback, which restores whatever the ledger holds, loads. */
export const resources = {
  ...freezeResources,
  ...bindingResources,
  'route53-record': route53Record,
  'cognito-migration-trigger': cognitoMigrationTrigger,
  'cognito-app-client': cognitoAppClient,
} as const satisfies { [K in ResourceKind]: AnyResource };

/** The resource for a ledger entry's kind; a kind this version does not know cannot be restored. */
export function resourceFor(kind: string): AnyResource {
  if (!isResourceKind(kind)) {
    throw new LedgerConflict(
      `The ledger holds a change of kind ${kind}, which this version of cognito-cutover cannot restore: restore it by hand or roll back with the version that made it.`,
    );
  }
  return resources[kind];
}
