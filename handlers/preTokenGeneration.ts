import { addLegacyClaims, preTokenGenerationConfigFromEnv } from '../src/triggers/pre-token-generation.ts';

const config = preTokenGenerationConfigFromEnv();

// addLegacyClaims parses the event itself: the sandbox and the emulator tests call it without this handler.
export const handler = async (event: unknown) => addLegacyClaims(event, config);
