import { describe, expect, it } from 'vitest';
import { ACTIONS, MEMBER_ROLES, PERMISSIONS, can, canGrant, type Action, type MemberRole } from './permissions.js';

/** Every cell of the permission table, spelled out: a change to the table must change this test. */
const ALLOWED: Record<MemberRole, Action[]> = {
  owner: [...ACTIONS],
  admin: ACTIONS.filter((a) => a !== 'organization.delete'),
  manager: [
    'organization.read', 'member.read', 'site.read', 'meter.read', 'device.read', 'gateway.read', 'data.read',
    'site.create', 'site.update', 'meter.write', 'device.update', 'device.delete', 'gateway.manage', 'claim_code.read', 'claim_code.manage',
  ],
  installer: [
    'organization.read', 'member.read', 'site.read', 'meter.read', 'device.read', 'gateway.read', 'data.read',
    'meter.write', 'device.update', 'gateway.manage', 'claim_code.read', 'claim_code.manage',
  ],
  viewer: ['organization.read', 'member.read', 'site.read', 'meter.read', 'device.read', 'gateway.read', 'data.read'],
};

const cells = MEMBER_ROLES.flatMap((role) => ACTIONS.map((action) => [role, action, ALLOWED[role].includes(action)] as const));

describe('permission table', () => {
  it.each(cells)('%s may %s: %s', (role, action, allowed) => {
    expect(can(role, action)).toBe(allowed);
  });

  it('has a row for every role', () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...MEMBER_ROLES].sort());
  });
});

describe('canGrant', () => {
  it.each<[MemberRole, MemberRole, boolean]>([
    ['owner', 'owner', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'viewer', true],
    ['manager', 'installer', true],
    ['manager', 'admin', false],
    ['installer', 'manager', false],
    ['installer', 'viewer', true],
    ['viewer', 'viewer', true],
    ['viewer', 'installer', false],
  ])('%s can grant %s: %s', (granter, role, expected) => {
    expect(canGrant(granter, role)).toBe(expected);
  });
});
