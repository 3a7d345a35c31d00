import type { Kind } from './kind.ts';

/** The plan's DNS record: no binding or freeze names it, the DNS steps switch it (src/steps/switch-dns.ts). */
export const route53Record: Kind<'route53-record', object, unknown> = {
  restoredBy: { service: 'Route53', command: 'ChangeResourceRecordSets' },
  commands: { read: ['Route53:ListResourceRecordSets'], write: ['Route53:ChangeResourceRecordSets'] },
};
