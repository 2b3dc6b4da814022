/**
 * One test file's Redis Cluster: `useCluster()` starts a 3-master cluster before the file's tests, opens a Sluice
 * on it under a fresh key prefix, and after the tests stops every worker started through it, the Sluice and every
 * node (by pid).
 */
import { createSluice, type Sluice } from '@sluice/core';
import { createWorker, type Worker, type WorkerOptions } from '@sluice/worker';
import { afterAll, beforeAll } from 'vitest';
import { uniquePrefix } from '../helpers.js';
import { type LocalCluster, startCluster } from './harness.js';

/** What a test file gets from {@link useCluster}; the cluster and the Sluice exist once `beforeAll` has run. */
export interface ClusterFixture {
  /** The running cluster (its nodes, root URLs, `cli`, `kill`). */
  readonly cluster: LocalCluster;
  /** A Sluice on the cluster under {@link ClusterFixture.prefix}. */
  readonly sluice: Sluice;
  /** The file's own key prefix. */
  readonly prefix: string;
  /**
   * A worker on the cluster under the file's prefix, not started; stopped after the file's tests. Its logger is
   * silent unless `TEST_LOG_LEVEL` says otherwise.
   */
  worker(opts: Omit<WorkerOptions, 'cluster' | 'prefix' | 'url' | 'client'>): Promise<Worker>;
}

/** Register the file's cluster fixture (beforeAll/afterAll); call it at the top level of a test file. */
export function useCluster(): ClusterFixture {
  const prefix = uniquePrefix();
  const workers: Worker[] = [];
  let cluster: LocalCluster | undefined;
  let sluice: Sluice | undefined;
  beforeAll(async () => {
    cluster = await startCluster(3, 0);
    sluice = await createSluice({ cluster: { rootNodes: cluster.rootNodes }, prefix });
  }, 30_000);
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await sluice?.close();
    await cluster?.stop();
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`useCluster: ${what} is used before beforeAll ran`);
    return v;
  };
  return {
    prefix,
    get cluster() {
      return ready(cluster, 'the cluster');
    },
    get sluice() {
      return ready(sluice, 'the Sluice');
    },
    async worker(opts) {
      const w = await createWorker({
        logger: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
        ...opts,
        cluster: { rootNodes: ready(cluster, 'the cluster').rootNodes },
        prefix,
      });
      workers.push(w);
      return w;
    },
  };
}
