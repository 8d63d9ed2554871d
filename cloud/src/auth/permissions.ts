import { MEMBER_ROLES, type MemberRole } from '../storage/schema/vocabulary.js';

export { MEMBER_ROLES, type MemberRole };

/** Everything a route can ask permission for, as `<entity>.<verb>`. */
export const ACTIONS = [
  'organization.read',
  'organization.update',
  'organization.delete',
  'member.read',
  'member.manage',
  'site.read',
  'site.create',
  'site.update',
  'site.delete',
  'meter.read',
  'meter.write',
  'device.read',
  'device.update',
  'device.delete',
  'gateway.read',
  'gateway.manage',
  'claim_code.read',
  'claim_code.manage',
  'api_token.read',
  'api_token.manage',
  'data.read',
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: Action[] = [
  'organization.read',
  'member.read',
  'site.read',
  'meter.read',
  'device.read',
  'gateway.read',
  'data.read',
];

/**
 * The permission table: what each role may do in its organization. Data, not
 * code: routes name an action, this table decides (auth/permissions.test.ts
 * pins every cell).
 * - owner: everything, including deleting the organization.
 * - admin: everything else (members, tokens, settings).
 * - manager: runs sites: creates and edits sites, meters, devices, gateways; no members, tokens or deletions of sites.
 * - installer: sets up equipment: meters, devices, gateways, claim codes on existing sites.
 * - viewer: reads.
 */
export const PERMISSIONS: Record<MemberRole, ReadonlySet<Action>> = {
  owner: new Set(ACTIONS),
  admin: new Set(ACTIONS.filter((a) => a !== 'organization.delete')),
  manager: new Set<Action>([
    ...READ,
    'site.create',
    'site.update',
    'meter.write',
    'device.update',
    'device.delete',
    'gateway.manage',
    'claim_code.read',
    'claim_code.manage',
  ]),
  installer: new Set<Action>([...READ, 'meter.write', 'device.update', 'gateway.manage', 'claim_code.read', 'claim_code.manage']),
  viewer: new Set<Action>(READ),
};

export function can(role: MemberRole, action: Action): boolean {
  return PERMISSIONS[role].has(action);
}

/**
 * Whether a member with role `granter` may give `role` to someone (a member
 * or an API token): only roles whose permissions are all the granter's own,
 * and only owners make owners.
 */
export function canGrant(granter: MemberRole, role: MemberRole): boolean {
  if (role === 'owner' && granter !== 'owner') return false;
  for (const action of PERMISSIONS[role]) if (!PERMISSIONS[granter].has(action)) return false;
  return true;
}
