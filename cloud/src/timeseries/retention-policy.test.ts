import { describe, expect, it } from 'vitest';
import { planRetention, type OrganizationRetention, type RetentionPlan } from './retention-policy.js';
import { DAY_MS } from './weeks.js';

const NOW = Date.UTC(2025, 5, 30);
const ago = (days: number) => NOW - days * DAY_MS;
const org = (organizationId: string, days: number | null): OrganizationRetention => ({ organizationId, days });

describe('planRetention', () => {
  it.each<[string, OrganizationRetention[], RetentionPlan]>([
    ['no organizations: nothing goes', [], { dropBefore: null, deleteBefore: [] }],
    ['one organization: partitions only', [org('a', 30)], { dropBefore: ago(30), deleteBefore: [] }],
    [
      'shorter retentions delete rows, the longest drops partitions',
      [org('a', 30), org('b', 7), org('c', 365)],
      { dropBefore: ago(365), deleteBefore: [{ organizationId: 'a', cutoff: ago(30) }, { organizationId: 'b', cutoff: ago(7) }] },
    ],
    ['equal retentions: partitions only', [org('a', 90), org('b', 90)], { dropBefore: ago(90), deleteBefore: [] }],
    [
      'someone keeps forever: no partition drops, every finite retention deletes rows',
      [org('a', null), org('b', 30)],
      { dropBefore: null, deleteBefore: [{ organizationId: 'b', cutoff: ago(30) }] },
    ],
    ['everyone keeps forever', [org('a', null)], { dropBefore: null, deleteBefore: [] }],
  ])('%s', (_name, orgs, expected) => {
    expect(planRetention(orgs, NOW)).toEqual(expected);
  });
});
