/** The ack batcher without Redis: a fake executor answers the ack script and records every call. */
import { ErrorReply } from '@redis/client';
import { type Delivery, type Fenced, LeaseLost, queueKeys, type RedisExecutor } from '@sluice/core/internal';
import { describe, expect, it } from 'vitest';
import { AckBatcher } from './ack-batcher.js';
import type { AckReceiver } from './run-types.js';

const emails = queueKeys('t', 'emails');
const sms = queueKeys('t', 'sms');

/** One ack script call as sent: the stream and the entry ids of its deliveries. */
interface AckCall {
  stream: string;
  ids: string[];
}

/**
 * An executor that answers the ack script (EVALSHA; the stream is its first key) with `answer(ids, callNumber)`: one code per
 * delivery (1 acked, negative a LeaseLost code), or a thrown error.
 */
function fakeRedis(answer: (ids: string[], call: number) => number[]) {
  const calls: AckCall[] = [];
  const exec: RedisExecutor = {
    send: async (args: ReadonlyArray<string>) => {
      // EVALSHA sha <n keys> <stream> <other keys...> <group> <consumer> <lowest id> <highest id> <counts> id1 id2
      // ... (core's fenced.ts: the delivery counts in one value, then the ids; these deliveries have no job ids)
      const stream = args[3] as string;
      const ids = args.slice(3 + Number(args[2]) + 5);
      calls.push({ stream, ids });
      return answer(ids, calls.length);
    },
  } as RedisExecutor;
  return { exec, calls };
}

/** A receiver that records its one answer. */
function receiver() {
  const got: { err: unknown; result: Fenced | undefined }[] = [];
  const to: AckReceiver = { acked: (err, result) => got.push({ err, result }) };
  return { to, got };
}

const delivery = (entryId: string): Delivery => ({ entryId, deliveries: 1 });

describe('AckBatcher', () => {
  it('sends the acks of one tick as one script call per queue, and gives each receiver its own result', async () => {
    const { exec, calls } = fakeRedis((ids) => ids.map((id) => (id === '2-0' ? LeaseLost.WrongOwner : 1)));
    const acks = new AckBatcher(exec, 'c1');
    const a = receiver();
    const b = receiver();
    const c = receiver();
    acks.add(emails, delivery('1-0'), a.to);
    acks.add(emails, delivery('2-0'), b.to);
    acks.add(sms, delivery('3-0'), c.to);
    expect(calls).toEqual([]); // nothing is sent within the tick
    await acks.flush();
    expect(calls).toEqual([
      { stream: emails.stream, ids: ['1-0', '2-0'] },
      { stream: sms.stream, ids: ['3-0'] },
    ]);
    expect(a.got).toEqual([{ err: undefined, result: { ok: true } }]);
    expect(b.got).toEqual([{ err: undefined, result: { ok: false, lost: LeaseLost.WrongOwner } }]);
    expect(c.got).toEqual([{ err: undefined, result: { ok: true } }]);
  });

  it('sends on its own on the next tick, without flush()', async () => {
    const { exec, calls } = fakeRedis((ids) => ids.map(() => 1));
    const acks = new AckBatcher(exec, 'c1');
    const answered = new Promise<Fenced | undefined>((resolve) =>
      acks.add(emails, delivery('1-0'), { acked: (_err, result) => resolve(result) }),
    );
    expect(await answered).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it('an ack asked for after a batch went out goes in the next batch', async () => {
    const { exec, calls } = fakeRedis((ids) => ids.map(() => 1));
    const acks = new AckBatcher(exec, 'c1');
    acks.add(emails, delivery('1-0'), receiver().to);
    await acks.flush();
    acks.add(emails, delivery('2-0'), receiver().to);
    await acks.flush();
    expect(calls.map((c) => c.ids)).toEqual([['1-0'], ['2-0']]);
  });

  it('retries a transient failure; not pending on the retry means the first try landed', async () => {
    const { exec, calls } = fakeRedis((ids, call) => {
      if (call === 1) throw new Error('socket closed');
      return ids.map(() => LeaseLost.NotPending);
    });
    const acks = new AckBatcher(exec, 'c1');
    const a = receiver();
    acks.add(emails, delivery('1-0'), a.to);
    await acks.flush();
    expect(calls).toHaveLength(2);
    expect(a.got).toEqual([{ err: undefined, result: { ok: true } }]);
  });

  it('not pending on a first try stays a rejection', async () => {
    const { exec } = fakeRedis((ids) => ids.map(() => LeaseLost.NotPending));
    const acks = new AckBatcher(exec, 'c1');
    const a = receiver();
    acks.add(emails, delivery('1-0'), a.to);
    await acks.flush();
    expect(a.got).toEqual([{ err: undefined, result: { ok: false, lost: LeaseLost.NotPending } }]);
  });

  it('an error that is not transient reaches every receiver of the batch, once, without a retry', async () => {
    const boom = new ErrorReply('ERR something is wrong');
    const { exec, calls } = fakeRedis(() => {
      throw boom;
    });
    const acks = new AckBatcher(exec, 'c1');
    const a = receiver();
    const b = receiver();
    acks.add(emails, delivery('1-0'), a.to);
    acks.add(emails, delivery('2-0'), b.to);
    await acks.flush();
    expect(calls).toHaveLength(1);
    expect(a.got).toEqual([{ err: boom, result: undefined }]);
    expect(b.got).toEqual([{ err: boom, result: undefined }]);
  });

  it('flush() with nothing asked for resolves at once', async () => {
    const { exec, calls } = fakeRedis(() => []);
    await new AckBatcher(exec, 'c1').flush();
    expect(calls).toEqual([]);
  });
});
