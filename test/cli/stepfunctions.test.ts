import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  executionName,
  explain,
  machineName,
  parseExecutionArn,
  resolveRegion,
  SERVICE,
} from '../../src/cli/stepfunctions.ts';
import { EXECUTION } from './aws.ts';

const call = {
  what: 'reading it',
  action: 'states:DescribeExecution',
  resource: EXECUTION,
  region: 'eu-west-2',
};
const sdkError = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('the Step Functions side of the CLI', () => {
  it('names the machines as serverless.yml deploys them', () => {
    // Arrange
    const service = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'), {
      merge: true,
    });

    // Assert
    expect(service.service).toBe(SERVICE);
    expect(service.stepFunctions.stateMachines.cutover.name).toMatch(
      /^\$\{self:service\}-\$\{sls:stage\}-cutover$/,
    );
    expect(service.stepFunctions.stateMachines.rollback.name).toMatch(
      /^\$\{self:service\}-\$\{sls:stage\}-rollback$/,
    );
    expect(machineName('prod', 'rollback')).toBe('cognito-cutover-prod-rollback');
  });

  it('reads the region, stage and machine from an execution ARN', () => {
    // Act
    const ref = parseExecutionArn(EXECUTION);

    // Assert
    expect(ref).toMatchObject({
      region: 'eu-west-2',
      account: '123456789012',
      stage: 'prod',
      kind: 'cutover',
    });
  });

  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION, and names both variables when none is set', () => {
    // Assert
    expect(resolveRegion('eu-west-1', { AWS_REGION: 'us-east-1' })).toBe('eu-west-1');
    expect(resolveRegion(undefined, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-2' })).toBe(
      'us-east-1',
    );
    expect(resolveRegion(undefined, { AWS_DEFAULT_REGION: 'eu-west-2' })).toBe('eu-west-2');
    expect(() => resolveRegion(undefined, {})).toThrow(/AWS_REGION or AWS_DEFAULT_REGION/);
  });

  it('names executions <prefix>-<UTC time> within 80 characters', () => {
    // Act
    const name = executionName('x'.repeat(90), new Date('2025-06-14T09:00:00.123Z'));

    // Assert
    expect(name).toHaveLength(80);
    expect(name.endsWith('-20250614T090000Z')).toBe(true);
  });

  it.each([
    ['CredentialsProviderError', {}, 'No AWS credentials found. Sign in (e.g. `aws sso login'],
    ['ExpiredTokenException', {}, 'Your AWS credentials have expired'],
    ['UnrecognizedClientException', {}, 'AWS does not accept your credentials'],
    ['AccessDeniedException', {}, `you may not call states:DescribeExecution on ${EXECUTION}`],
    ['ThrottlingException', {}, 'wait a few seconds, then run again'],
    [
      'Error',
      { code: 'ENOTFOUND' },
      'Cannot reach Step Functions in eu-west-2 (ENOTFOUND): check your network',
    ],
    ['SomethingNew', {}, 'reading it failed: SomethingNew: SomethingNew happened'],
  ])('explains %s with what to do next', (name, extra, message) => {
    // Act
    const explained = explain(sdkError(name, extra), call);

    // Assert
    expect(explained.message).toContain(message);
    expect(explained.exitCode).toBe(4);
  });
});
