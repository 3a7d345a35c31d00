import { DnsNotInSync } from '../errors.ts';
import { changeStatus } from '../resources/route53-change.ts';
import { elapsedSince } from './core/polling.ts';

/** Route 53 reports INSYNC within about 60 s; ten minutes without it means something is wrong. */
export const DNS_SYNC_LIMIT_SECONDS = 600;

/** One poll of the Wait/GetChange loop. */
export async function checkDnsSync(region: string, ids: string[], since: string) {
  const statuses = await Promise.all(ids.map((id) => changeStatus(region, id)));
  const inSync = statuses.every((s) => s === 'INSYNC');
  if (!inSync && elapsedSince(since) > DNS_SYNC_LIMIT_SECONDS) {
    throw new DnsNotInSync(
      `Route 53 change(s) ${ids.join(', ')} not INSYNC after ${DNS_SYNC_LIMIT_SECONDS} s: check the Route 53 health dashboard, then retry the cutover.`,
    );
  }
  return { inSync, statuses };
}
