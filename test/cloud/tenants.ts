import { randomBytes } from 'node:crypto';
import {
  CSRF_HEADER,
  MEMBER_ROLES,
  PLAIN_COOKIE,
  createOrganizationWithOwner,
  createSession,
  ensureUser,
  hashPassword,
  schema,
  type MemberRole,
} from '@solarhub/cloud';
import type { Cloud } from './harness.js';

/** Test accounts hash with N = 2^14 (the default 2^17 costs half a second each); verification reads N from the hash. */
export const TEST_LOG2N = 14;

export interface Credentials {
  kind: 'session' | 'token';
  label: string;
  /** Fresh headers per request (a session is created each time: logout in the walk must not end the next call's session). */
  headers(): Promise<Record<string, string>>;
}

export interface Member {
  userId: string;
  memberId: string;
  email: string;
  password: string;
  role: MemberRole;
}

let counter = 0;
const unique = () => `${process.pid}-${Date.now().toString(36)}-${++counter}`;

/** A new organization with an owner account; returns ids and the owner's password. */
export async function newOrganization(cloud: Cloud, name = `org-${unique()}`): Promise<{ organizationId: string; owner: Member }> {
  const email = `owner-${unique()}@example.test`;
  const password = randomBytes(9).toString('base64url') + 'Aa1!';
  const created = await createOrganizationWithOwner(cloud.database.db, { name, adminEmail: email, adminPassword: password, log2N: TEST_LOG2N });
  return {
    organizationId: created.organizationId,
    owner: { userId: created.userId, memberId: created.memberId, email, password, role: 'owner' },
  };
}

/** A user with a password and a membership of `role` in the organization. */
export async function addMember(cloud: Cloud, organizationId: string, role: MemberRole): Promise<Member> {
  const email = `${role}-${unique()}@example.test`;
  const password = randomBytes(9).toString('base64url') + 'Aa1!';
  const { userId } = await ensureUser(cloud.database.db, email, await hashPassword(password, TEST_LOG2N));
  const [member] = await cloud.database.db
    .insert(schema.organizationMembers)
    .values({ organizationId, userId, role })
    .returning({ id: schema.organizationMembers.id });
  return { userId, memberId: member!.id, email, password, role };
}

export function sessionCredentials(cloud: Cloud, member: Member): Credentials {
  return {
    kind: 'session',
    label: `${member.role} (session)`,
    headers: async () => {
      const s = await createSession(cloud.database.db, member.userId, { ttlMs: 3_600_000 }, {});
      return { cookie: `${PLAIN_COOKIE}=${s.token}`, [CSRF_HEADER]: s.csrfToken };
    },
  };
}

export function tokenCredentials(token: string, role: string): Credentials {
  return { kind: 'token', label: `${role} (API token)`, headers: async () => ({ authorization: `Bearer ${token}` }) };
}

/** One member of every role, each as a session user. */
export async function everyRole(cloud: Cloud, organizationId: string, owner: Member): Promise<Member[]> {
  const members: Member[] = [owner];
  for (const role of MEMBER_ROLES) if (role !== 'owner') members.push(await addMember(cloud, organizationId, role));
  return members;
}

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function call(cloud: Cloud, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Answer> {
  const hasBody = options.body !== undefined;
  const res = await fetch(`${cloud.baseUrl}${path}`, {
    method,
    headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** Signs in through the API; returns the headers to use afterwards (cookie + CSRF token). */
export async function login(cloud: Cloud, email: string, password: string): Promise<{ answer: Answer; headers: Record<string, string> }> {
  const answer = await call(cloud, 'POST', '/api/v1/auth/login', { body: { email, password } });
  const cookie = (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { answer, headers: { cookie, [CSRF_HEADER]: answer.body?.csrfToken ?? '' } };
}
