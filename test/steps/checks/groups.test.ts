import { ListGroupsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { beforeEach, describe, expect, it } from 'vitest';
import { groupsCarried } from '../../../src/steps/checks/groups.ts';
import { mocks, planWith } from '../aws-mocks.ts';

const plan = planWith();
const OLD = plan.oldPool.userPoolId;
const NEW = plan.newPool.userPoolId;

/** Each pool's groups, served in pages of `pageSize` as ListGroups serves them. */
function poolsHold(groups: Record<string, string[]>, pageSize = 60) {
  mocks.cognito.on(ListGroupsCommand).callsFake((input: { UserPoolId: string; NextToken?: string }) => {
    const all = groups[input.UserPoolId] ?? [];
    const start = Number(input.NextToken ?? 0);
    return {
      Groups: all.slice(start, start + pageSize).map((GroupName) => ({ GroupName })),
      ...(start + pageSize < all.length ? { NextToken: String(start + pageSize) } : {}),
    };
  });
}

beforeEach(() => {
  mocks.cognito.reset();
});

describe('groupsCarried', () => {
  it('passes when every group of the old pool is in the new one, reading every page of both', async () => {
    // Arrange
    const many = Array.from({ length: 130 }, (_, i) => `group-${i}`);
    poolsHold({ [OLD]: many, [NEW]: [...many, 'new-only'] });

    // Act
    const detail = await groupsCarried(plan);

    // Assert
    expect(detail).toBe('all 130 group(s) of the old pool are in the new pool');
    expect(mocks.cognito).toHaveReceivedCommandTimes(ListGroupsCommand, 6);
    expect(mocks.cognito).toHaveReceivedCommandWith(ListGroupsCommand, { UserPoolId: OLD, Limit: 60 });
  });

  it('stops the cutover naming the groups the new pool lacks and the command that creates them', async () => {
    // Arrange
    poolsHold({ [OLD]: ['admins', 'reval-reviewers', 'editors'], [NEW]: ['admins'] });

    // Act
    const failed = await groupsCarried(plan).catch((error) => error);

    // Assert
    expect(failed).toMatchObject({ name: 'PreflightFailed' });
    expect((failed as { problems: string[] }).problems[0]).toBe(
      `the new pool lacks 2 of the old pool's 3 group(s): reval-reviewers, editors. Their members would lose them on migration: create each in ${NEW} with the same name (aws cognito-idp create-group --user-pool-id ${NEW} --group-name NAME)`,
    );
  });

  it('lists ten of many missing groups and counts the rest', async () => {
    // Arrange
    poolsHold({ [OLD]: Array.from({ length: 25 }, (_, i) => `g${i}`), [NEW]: [] });

    // Act
    const failed = await groupsCarried(plan).catch((error) => error);

    // Assert
    expect((failed as { problems: string[] }).problems[0]).toContain(
      "lacks 25 of the old pool's 25 group(s): g0, g1, g2, g3, g4, g5, g6, g7, g8, g9 and 15 more.",
    );
  });
});
