/**
 * The ACL test's server: a private redis-server given the `ACL SETUSER` line of docs/security.md (read from the
 * page, so page and test cannot drift), with the rule's user in `url` and an admin Sluice to read ACL LOG and
 * INFO commandstats with. Started before the file's tests and stopped by pid after them.
 */
import { readFileSync } from 'node:fs';
import type { buildProgram } from '@sluice/cli';
import { createSluice, type Sluice } from '@sluice/core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type StartedRedis, startRedisServer } from '../redis-server.js';

const PASSWORD = 'acl-test-pw';

/** The `ACL SETUSER` line of docs/security.md, as arguments, with the test's password. */
function ruleFromDocs(): string[] {
  const page = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  const lines = page.split('\n').filter((l) => l.startsWith('ACL SETUSER '));
  expect(lines).toHaveLength(1);
  return (lines[0] as string).replace('>CHANGE-ME', `>${PASSWORD}`).trim().split(/\s+/);
}

/** What {@link useAclServer} gives a test file (valid once beforeAll has run). */
export interface AclServer {
  /** URL of the rule's user (`sluice`) with its password. */
  readonly url: string;
  /** A Sluice connected as the default user, for ACL LOG, CLIENT LIST, INFO. */
  readonly admin: Sluice;
  /** The rule's arguments, as docs/security.md has them. */
  ruleFromDocs(): string[];
  /** Every ACL LOG entry (what was refused, and why) except the CONFIG GET the page leaves out on purpose. */
  refused(): Promise<{ reason: string; object: string }[]>;
}

/** Start the file's ACL server (beforeAll/afterAll); call it at the top level of the test file. */
export function useAclServer(): AclServer {
  let redis: StartedRedis | undefined;
  let admin: Sluice | undefined;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = await createSluice({ url: redis.url });
    expect(await admin.connection.send(ruleFromDocs())).toBe('OK');
    await admin.connection.send(['ACL', 'LOG', 'RESET']);
    await admin.connection.send(['CONFIG', 'RESETSTAT']);
  }, 30_000);
  afterAll(async () => {
    await admin?.close();
    await redis?.stop();
  });
  const started = () => {
    if (!redis || !admin) throw new Error('useAclServer: used before beforeAll ran');
    return { redis, admin };
  };
  return {
    get url() {
      return `redis://sluice:${PASSWORD}@127.0.0.1:${started().redis.port}`;
    },
    get admin() {
      return started().admin;
    },
    ruleFromDocs,
    async refused() {
      const raw = (await started().admin.connection.send(['ACL', 'LOG', '128'])) as unknown[];
      const entries = raw.map((e) => {
        if (!Array.isArray(e)) return e as Record<string, unknown>;
        const m: Record<string, unknown> = {};
        for (let i = 0; i + 1 < e.length; i += 2) m[String(e[i])] = e[i + 1];
        return m;
      });
      return entries
        .map((m) => ({ reason: String(m.reason), object: String(m.object) }))
        .filter((e) => !(e.reason === 'command' && e.object === 'config|get'));
    },
  };
}

/** Every runnable command of the program, by its full name (`dead list`). */
type Program = ReturnType<typeof buildProgram>;
export function leafCommands(cmd: Program, path: string[] = []): string[] {
  if (cmd.commands.length === 0) return [path.join(' ')];
  return cmd.commands.flatMap((c) => leafCommands(c, [...path, c.name()]));
}
