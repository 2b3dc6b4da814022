import { describe, expect, it } from 'vitest';
import { decodeWorkerRecord, parseClientList, presence, type WorkerRecord } from './workers.js';

const rec = (consumer: string, queues: string[]): WorkerRecord => ({
  consumer,
  kind: 'drain',
  host: 'h',
  pid: 1,
  version: '0.1.0',
  queues,
  concurrency: 2,
  startedAt: 1,
  staleMs: 5000,
});

describe('parseClientList', () => {
  it('keeps the named Sluice connections: main and blocking (with its queue), idle in ms', () => {
    const text = [
      'id=3 addr=127.0.0.1:5 laddr=x fd=8 name=sluice:h:1:ab age=9 idle=2 flags=N db=0 cmd=evalsha',
      'id=4 addr=127.0.0.1:6 laddr=x fd=9 name=sluice:h:1:ab:block:q:with:colons age=9 idle=0 flags=b cmd=xreadgroup',
      'id=5 addr=127.0.0.1:7 laddr=x fd=10 name= age=1 idle=0 flags=N cmd=client|list',
      'id=6 addr=127.0.0.1:8 laddr=x fd=11 name=other age=1 idle=0 flags=N cmd=get',
      '',
    ].join('\n');
    expect(parseClientList(text)).toEqual([
      { consumer: 'h:1:ab', queue: undefined, idleMs: 2000 },
      { consumer: 'h:1:ab', queue: 'q:with:colons', idleMs: 0 },
    ]);
  });
});

describe('presence', () => {
  const consumers = [
    { name: 'w1', pending: 2, idleMs: 100 },
    { name: 'dead', pending: 1, idleMs: 900_000 },
  ];
  it('counts a blocking connection of the queue, or a main connection whose record lists it', () => {
    const conns = [
      { consumer: 'w1', queue: 'q', idleMs: 3000 },
      { consumer: 'w2', queue: 'other', idleMs: 0 },
      { consumer: 'd1', queue: undefined, idleMs: 1000 },
      { consumer: 'd2', queue: undefined, idleMs: 0 },
      { consumer: 'hung', queue: 'q', idleMs: 61_000 }, // connected, but silent longer than its stale time
    ];
    const records = new Map([
      ['d1', rec('d1', ['q'])],
      ['d2', rec('d2', ['other'])],
    ]);
    const p = presence('q', conns, records, consumers);
    expect([...p.live]).toEqual([
      ['w1', 100], // the least idle of its connection and its consumer
      ['d1', 1000],
    ]);
    expect(p.pending.get('dead')).toBe(1);
  });
  it("ignores another prefix's worker on a queue of the same name (connection names carry no prefix)", () => {
    const conns = [
      { consumer: 'elsewhere', queue: 'q', idleMs: 0 }, // neither a record here nor a consumer of this group
      { consumer: 'w3', queue: 'q', idleMs: 0 }, // a record here, no consumer yet (never got a job)
    ];
    const p = presence('q', conns, new Map([['w3', rec('w3', ['q'])]]), consumers);
    expect([...p.live.keys()]).toEqual(['w3']);
  });
  it('drops a record-holding worker silent past its own stale time', () => {
    const conns = [{ consumer: 'd1', queue: undefined, idleMs: 6000 }];
    expect(presence('q', conns, new Map([['d1', rec('d1', ['q'])]]), []).live.size).toBe(0); // stale 5000
  });
  it('without CLIENT LIST, a consumer active within its stale time', () => {
    const p = presence('q', undefined, new Map([['w1', rec('w1', ['q'])]]), consumers);
    expect([...p.live.keys()]).toEqual(['w1']);
  });
});

describe('decodeWorkerRecord', () => {
  it('decodes a record and refuses what does not fit', () => {
    const r = rec('c', ['q']);
    expect(decodeWorkerRecord('c', JSON.stringify(r))).toEqual(r);
    expect(decodeWorkerRecord('other', JSON.stringify(r))).toBeUndefined();
    expect(decodeWorkerRecord('c', '{oops')).toBeUndefined();
    expect(decodeWorkerRecord('c', JSON.stringify({ ...r, queues: 'q' }))).toBeUndefined();
    expect(decodeWorkerRecord('c', JSON.stringify({ consumer: 'c', queues: [1, 'q'], kind: 'x' }))).toMatchObject({
      kind: 'worker',
      queues: ['q'],
      pid: 0,
      staleMs: 60_000,
    });
  });
});
