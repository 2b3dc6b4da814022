/**
 * Named queue states for the integration tests, built with raw commands on a real Redis so a test says what it
 * sets up ("a consumer crashed holding two jobs", "an entry trimmed while pending") instead of spelling XADD,
 * XREADGROUP, XCLAIM and XDEL arrays. Each takes anything that can send a command: a `Connection` or a
 * `Sluice`'s `connection`, and the queue's keys.
 */
import type { QueueKeys } from '@sluice/core';
import { GROUP, streamCommands } from '@sluice/core/internal';
import { waitFor } from './wait.js';

/** Something that sends a raw command (`Connection`, `sluice.connection`). */
export interface Sender {
  send(args: ReadonlyArray<string>, key?: string): Promise<unknown>;
}

/** Stream entry fields. */
export type Fields = Record<string, string>;

/** A stream entry as a test sees it. */
export interface Entry {
  id: string;
  fields: Fields;
}

/** Fields of a well-formed job entry (what enqueue writes), with `over` on top: id, name, data, attempt, enqueuedAt. */
export function jobFields(id: string, name: string, over: Partial<Fields> = {}): Fields {
  return { id, name, data: '{}', attempt: '1', enqueuedAt: '1', ...over };
}

/** The consumer group, created at `0` with the stream if missing (an existing group is kept). */
export async function groupCreated(c: Sender, k: QueueKeys): Promise<void> {
  await c.send(['XGROUP', 'CREATE', k.stream, GROUP, '0', 'MKSTREAM'], k.stream).catch((e: Error) => {
    if (!/BUSYGROUP/.test(e.message)) throw e;
  });
}

/** XADD `fields` as they are (no validation: malformed and poison entries too); the entry id. */
export async function rawEntry(c: Sender, k: QueueKeys, fields: Fields): Promise<string> {
  return String(await c.send(['XADD', k.stream, '*', ...Object.entries(fields).flat()], k.stream));
}

/** The next `count` undelivered entries, delivered to `consumer` (XREADGROUP `>`); oldest first. */
export async function deliveredTo(c: Sender, k: QueueKeys, consumer: string, count = 1): Promise<Entry[]> {
  const reply = await c.send(
    ['XREADGROUP', 'GROUP', GROUP, consumer, 'COUNT', String(count), 'STREAMS', k.stream, '>'],
    k.stream,
  );
  return readEntries(reply);
}

/**
 * A consumer that read the next `count` entries and died holding them (no ack, no renewal): they stay in its
 * pending list until a reclaimer takes them after the lease. Creates the group if missing.
 */
export async function crashedConsumer(
  c: Sender,
  k: QueueKeys,
  opts: { count?: number; consumer?: string } = {},
): Promise<Entry[]> {
  await groupCreated(c, k);
  return deliveredTo(c, k, opts.consumer ?? 'crashed-host:1:x', opts.count ?? 1);
}

/** A job written and delivered to `consumer`, which then died holding it; its entry id. */
export async function abandonedJob(c: Sender, k: QueueKeys, fields: Fields, consumer: string): Promise<string> {
  await groupCreated(c, k);
  const id = await rawEntry(c, k, fields);
  await deliveredTo(c, k, consumer);
  return id;
}

/**
 * `consumer` claims pending entry `id` at once (XCLAIM min-idle 0, as a reclaimer would): one more delivery. Like
 * the reclaimer's claim-lanes script, it first marks the entry's owner in the queue's stolen hash (the fence fast
 * path's log); {@link claimedByHand} leaves it out.
 */
export async function claimedBy(c: Sender, k: QueueKeys, consumer: string, id: string): Promise<void> {
  const rows = (await c.send(['XPENDING', k.stream, GROUP, id, id, '1'], k.stream)) as [string, string][];
  const owner = rows[0]?.[1];
  if (owner !== undefined) await c.send(['HSET', k.stolen, owner, String(Date.now())], k.stolen);
  await claimedByHand(c, k, consumer, id);
}

/** A bare XCLAIM of `id` for `consumer` (min-idle 0), as an operator could type it: no stolen mark. */
export async function claimedByHand(c: Sender, k: QueueKeys, consumer: string, id: string): Promise<void> {
  await c.send(['XCLAIM', k.stream, GROUP, consumer, '0', id], k.stream);
}

/** A job its consumer holds that was already delivered twice (claimed back by the same consumer); its entry id. */
export async function redeliveredJob(c: Sender, k: QueueKeys, fields: Fields, consumer: string): Promise<string> {
  const id = await abandonedJob(c, k, fields, consumer);
  await claimedBy(c, k, consumer, id);
  return id;
}

/**
 * A job delivered to `consumer` whose entry an operator then deleted (XDEL, as XTRIM would): its id stays in the
 * pending list with no payload behind it. Returns the entry id.
 */
export async function entryTrimmedWhilePending(
  c: Sender,
  k: QueueKeys,
  fields: Fields,
  consumer: string,
): Promise<string> {
  const id = await abandonedJob(c, k, fields, consumer);
  await c.send(['XDEL', k.stream, id], k.stream);
  return id;
}

/** Entry ids in `consumer`'s pending list (at most 10,000). */
export async function pendingOf(c: Sender, k: QueueKeys, consumer: string): Promise<string[]> {
  const rows = (await c.send(['XPENDING', k.stream, GROUP, '-', '+', '10000', consumer], k.stream)) as [string][];
  return rows.map(([id]) => String(id));
}

/** Milliseconds since each pending entry was last delivered (or renewed), by entry id, as Redis reports them. */
export async function idleTimes(c: Sender, k: QueueKeys): Promise<Map<string, number>> {
  const rows = (await c.send(['XPENDING', k.stream, GROUP, '-', '+', '10000'], k.stream)) as [string, string, number][];
  return new Map(rows.map(([id, , idle]) => [String(id), Number(idle)]));
}

/** Wait until every pending entry has been idle at least `ms` by Redis's clock (what XAUTOCLAIM's min-idle reads). */
export async function pendingIdleAtLeast(c: Sender, k: QueueKeys, ms: number): Promise<void> {
  await waitFor(async () => [...(await idleTimes(c, k)).values()].every((idle) => idle >= ms), `entries idle ${ms} ms`);
}

/**
 * Wait until every one of `count` pending entries has had its lease renewed `times` times, seen in Redis as its idle
 * time dropping between two reads (a renewal's XCLAIM resets it). With renewals every lease/3, five renewals mean
 * the job has run for more than a whole lease, by the server's clock, without losing it. Polls every 20 ms.
 */
export async function leaseRenewed(c: Sender, k: QueueKeys, count: number, times: number): Promise<void> {
  const last = new Map<string, number>();
  const renewals = new Map<string, number>();
  await waitFor(
    async () => {
      const idle = await idleTimes(c, k);
      for (const [id, ms] of idle) {
        const before = last.get(id);
        if (before !== undefined && ms < before) renewals.set(id, (renewals.get(id) ?? 0) + 1);
        last.set(id, ms);
      }
      return idle.size === count && [...idle.keys()].every((id) => (renewals.get(id) ?? 0) >= times);
    },
    `${count} entries renewed ${times} times`,
    40_000,
  );
}

/** The group's consumers, one XINFO CONSUMERS row each. */
export async function consumersOf(c: Sender, k: QueueKeys): Promise<unknown[]> {
  return (await c.send(['XINFO', 'CONSUMERS', k.stream, GROUP], k.stream)) as unknown[];
}

/** Wait until the connection with CLIENT ID `id` is blocked in a command (a BLOCK read has reached the server). */
export async function blockedOnServer(c: Pick<Sender, 'send'>, id: number | string): Promise<void> {
  await waitFor(
    async () => /\bflags=\S*b/.test(String(await c.send(['CLIENT', 'LIST', 'ID', String(id)]))),
    `client ${id} to block`,
  );
}

/** Wait until every delayed job of the queue is due by Redis's clock (what promote-due compares with). */
export async function delayedAllDue(c: Sender, k: QueueKeys): Promise<void> {
  const flat = ((await c.send(['ZRANGE', k.delayed, '0', '-1', 'WITHSCORES'], k.delayed)) as unknown[]).flat();
  const scores = flat.filter((_, i) => i % 2 === 1).map(Number);
  if (scores.length > 0) await serverTimeReached(c, Math.max(...scores));
}

/** Wait until Redis's own clock (TIME) has reached `epochMs`: a delay measured by the server has passed. */
export async function serverTimeReached(c: Pick<Sender, 'send'>, epochMs: number): Promise<void> {
  await waitFor(async () => {
    const [s, us] = (await c.send(['TIME'])) as [string, string];
    return Number(s) * 1000 + Math.floor(Number(us) / 1000) >= epochMs;
  }, `server time ${epochMs}`);
}

/** Entries of a one-stream XREAD/XREADGROUP reply, RESP2 (array) or RESP3 (map) shape. */
export function readEntries(reply: unknown): Entry[] {
  if (!reply) return [];
  const streams = Array.isArray(reply) ? reply : Object.entries(reply as Record<string, unknown>);
  const first = streams[0] as [string, [string, string[] | null][]] | undefined;
  return (first?.[1] ?? []).map(([id, flat]) => {
    // as every reader in core sees them: a fresh entry's one pair `<U+001F><job name> <data>` is name and data
    return { id: String(id), fields: streamCommands.toFields((flat ?? []).map(String)) };
  });
}
