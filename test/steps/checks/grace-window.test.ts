import {
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { PreflightFailed } from '../../../src/errors.ts';
import { graceWindow } from '../../../src/steps/checks/grace-window.ts';
import { mocks, planWith } from '../aws-mocks.ts';

const plan = planWith();

/** The old pool's app clients, listed one page at a time. */
function clients(...all: UserPoolClientType[]) {
  mocks.cognito.on(ListUserPoolClientsCommand).callsFake((input: { NextToken?: string }) => {
    const start = Number(input.NextToken ?? 0);
    return {
      UserPoolClients: all.slice(start, start + 1).map((c) => ({ ClientId: c.ClientId })),
      ...(start + 1 < all.length ? { NextToken: String(start + 1) } : {}),
    };
  });
  mocks.cognito.on(DescribeUserPoolClientCommand).callsFake((input: { ClientId: string }) => ({
    UserPoolClient: all.find((c) => c.ClientId === input.ClientId),
  }));
}

beforeEach(() => {
  mocks.cognito.reset();
});

describe('graceWindow', () => {
  it("lasts the longest token any of the old pool's clients issues, in its own unit, plus the margin", async () => {
    // Arrange: an hour by default, 90 minutes, and ID tokens of 2 hours.
    clients(
      { ClientId: 'web' },
      { ClientId: 'admin', AccessTokenValidity: 90, TokenValidityUnits: { AccessToken: 'minutes' } },
      {
        ClientId: 'mobile',
        AccessTokenValidity: 5,
        IdTokenValidity: 2,
        TokenValidityUnits: { AccessToken: 'minutes' },
      },
    );

    // Act
    const window = await graceWindow(plan, 20_000);

    // Assert
    expect(window.seconds).toBe(7200 + 300);
    expect(window.detail).toBe(
      "7500 s (app client mobile's ID tokens live 7200 s, + 300 s margin), polled every 300 s",
    );
  });

  it('stops the cutover when the window would outlast the execution, saying how to shorten it', async () => {
    // Arrange
    clients({ ClientId: 'web', AccessTokenValidity: 1, TokenValidityUnits: { AccessToken: 'days' } });

    // Act
    const outcome = graceWindow(plan, 14_400);

    // Assert
    await expect(outcome).rejects.toBeInstanceOf(PreflightFailed);
    await expect(outcome).rejects.toThrow(
      /86700 s .*shorten that client's token validity.*grace\.enabled to false/,
    );
  });
});
