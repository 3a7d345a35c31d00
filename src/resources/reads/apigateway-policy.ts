// Read side of ../apigateway-policy.ts, apart from its write for least privilege: Preflight only reads.

import { GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import * as aws from '../../aws/aws.ts';
import { named } from '../../aws/clients.ts';
import { AwsCallFailed } from '../../errors.ts';
import type { ResourceReader } from '../resource.ts';
import { readStage } from './apigateway-stage.ts';

export interface PolicyRef {
  restApiId: string;
  stageName: string;
}

export interface PolicyState {
  /** The REST API's resource policy as canonical JSON text; null when it has none. */
  policy: string | null;
}

type PolicyDocument = Record<string, unknown> & { Statement?: unknown };

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * GetRestApi returns the policy JSON-escaped (`{\"Version\":...}`, `\/`), so it is not JSON until
 * unescaped as the body of a JSON string. Plain JSON is accepted too.
 */
export function parsePolicy(text: string): PolicyDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = JSON.parse(JSON.parse(`"${text}"`) as string);
    } catch (error) {
      throw new AwsCallFailed(`the REST API resource policy is not valid JSON: ${text.slice(0, 200)}`, {
        cause: error,
      });
    }
  }
  if (!isObject(parsed))
    throw new AwsCallFailed(`the REST API resource policy is not a JSON object: ${text}`);
  return parsed;
}

/** The policy as canonical JSON text, so that two reads of the same policy compare equal. */
export function canonicalPolicy(text: string | undefined | null): string | null {
  return text ? JSON.stringify(parsePolicy(text)) : null;
}

export const apigatewayPolicyReader: ResourceReader<PolicyRef, PolicyState> = {
  kind: 'apigateway-policy',
  key: (ref) => `apigateway-policy:${ref.restApiId}`,
  label: (ref) => `resource policy of REST API ${ref.restApiId} (stage ${ref.stageName})`,

  async read(region, ref) {
    const client = aws.apiGateway(region);
    const [api] = await Promise.all([
      named(
        `reading REST API ${ref.restApiId}`,
        client.send(new GetRestApiCommand({ restApiId: ref.restApiId })),
      ),
      readStage(region, ref),
    ]);
    return { policy: canonicalPolicy(api.policy) };
  },
};
