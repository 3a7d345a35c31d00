import { ConfigInvalid } from './errors.ts';

/** Reads a required environment variable where a handler starts, so a misdeployed function fails before any work. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new ConfigInvalid(`Environment variable ${name} is not set: set it in serverless.yml.`);
  return value;
}
