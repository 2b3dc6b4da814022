/**
 * Start-up durability check: warn when Redis can lose acknowledged jobs (`appendonly no`, or a
 * `maxmemory-policy` that evicts keys). Managed Redis often refuses CONFIG: then warn that it could not be
 * checked. Never fails the worker.
 */
import { type RedisExecutor, streamCommands } from '@sluice/core/internal';
import type { Logger } from 'pino';

/** What the check found; `undefined` values could not be read. */
export interface DurabilityReport {
  appendonly: string | undefined;
  maxmemoryPolicy: string | undefined;
  /** The warnings logged. */
  warnings: string[];
}

async function configGet(exec: RedisExecutor, name: string): Promise<string | undefined> {
  const raw = await exec.send(['CONFIG', 'GET', name]);
  const v = streamCommands.mapOrPairs(raw, 'CONFIG GET')[name];
  return v === undefined || v === null ? undefined : String(v);
}

/** Check the server's persistence settings and log a warning for each risk. */
export async function checkDurability(exec: RedisExecutor, log: Logger): Promise<DurabilityReport> {
  const warnings: string[] = [];
  let appendonly: string | undefined;
  let maxmemoryPolicy: string | undefined;
  try {
    [appendonly, maxmemoryPolicy] = await Promise.all([
      configGet(exec, 'appendonly'),
      configGet(exec, 'maxmemory-policy'),
    ]);
    if (appendonly === 'no') {
      warnings.push('Redis runs with appendonly no: a Redis restart loses jobs; set appendonly yes');
    }
    if (maxmemoryPolicy !== undefined && maxmemoryPolicy !== 'noeviction') {
      warnings.push(
        `Redis maxmemory-policy is ${maxmemoryPolicy}: under memory pressure it can evict queue keys and lose jobs; set noeviction`,
      );
    }
  } catch (err) {
    warnings.push(
      `could not check Redis durability settings (CONFIG GET refused: ${(err as Error).message}); make sure the server runs with appendonly yes and maxmemory-policy noeviction`,
    );
  }
  for (const w of warnings) log.warn(w);
  return { appendonly, maxmemoryPolicy, warnings };
}
