import { ledgerOf } from '../src/steps/core/context.ts';
import { countProgress, progressSourceFromEnv } from '../src/steps/count-progress.ts';

const source = progressSourceFromEnv();

/** Hourly (its schedule) and on demand (`cutover progress --stage`): the migration's counts, published as metrics. */
export const handler = async () => countProgress(source, ledgerOf(source.migrationId, source.region));
