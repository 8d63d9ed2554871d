import { DAY_MS } from './weeks.js';

export interface OrganizationRetention {
  organizationId: string;
  /** Days of measurements to keep; null keeps them forever. */
  days: number | null;
}

export interface RetentionPlan {
  /**
   * Drop whole partitions that end at or before this time (ms): the longest
   * retention of any organization. Null when some organization keeps its
   * data forever (or there is none): no partition may go then.
   */
  dropBefore: number | null;
  /**
   * Organizations whose rows must go earlier than whole partitions do, with
   * their cutoff: their rows older than it are deleted in bounded batches.
   * Organizations at the longest retention are left to partition drops, so
   * their rows stay up to one partition (a week) past their retention.
   */
  deleteBefore: { organizationId: string; cutoff: number }[];
}

/**
 * Partitions hold every organization's rows, so only the longest retention
 * can drop a partition; shorter retentions delete rows.
 */
export function planRetention(organizations: readonly OrganizationRetention[], now: number): RetentionPlan {
  const finite = organizations.filter((o): o is { organizationId: string; days: number } => o.days !== null);
  const forever = finite.length < organizations.length;
  const longest = finite.reduce((max, o) => Math.max(max, o.days), 0);
  const cutoffOf = (days: number) => now - days * DAY_MS;
  return {
    dropBefore: forever || finite.length === 0 ? null : cutoffOf(longest),
    deleteBefore: finite
      .filter((o) => forever || o.days < longest)
      .map((o) => ({ organizationId: o.organizationId, cutoff: cutoffOf(o.days) })),
  };
}
