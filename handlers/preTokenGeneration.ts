import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { addLegacyClaims, preTokenGenerationConfigFromEnv } from '../src/triggers/pre-token-generation.ts';

const config = preTokenGenerationConfigFromEnv();

export const handler = async (event: PreTokenGenerationTriggerEvent) => addLegacyClaims(event, config);
