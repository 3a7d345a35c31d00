import { describe, expect, it } from 'vitest';
import { digest, shown } from '../src/redact.ts';

describe('shown', () => {
  it.each([
    'eu-west-2_OldPool01',
    'us-gov-west-1_AbC123',
    'arn:aws:cognito-idp:eu-west-2:111122223333:userpool/eu-west-2_NewPool01',
  ])('shows %s, a user pool id or ARN, as it is', (value) => {
    expect(shown(value)).toBe(value);
  });

  it.each([
    'hunter2',
    'my_password1',
    'a-b_c',
    '{"userPoolId":"eu-west-2_OldPool01"}',
    '',
  ])('shows %j only as its digest', (value) => {
    expect(shown(value)).toBe(digest(value));
    expect(digest(value)).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('tells two values apart by their digests', () => {
    expect(digest('a')).not.toBe(digest('b'));
  });
});
