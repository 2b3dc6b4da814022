import { describe, expect, it } from 'vitest';
import type { RedisExecutor } from './connection.js';
import { assertSupportedServer, atLeast, parseServerInfo, UnsupportedServerError } from './server-version.js';

const redis = (v: string) => `# Server\r\nredis_version:${v}\r\nredis_git_sha1:00000000\r\nredis_mode:standalone\r\n`;
const VALKEY_8 =
  '# Server\r\nredis_version:7.2.4\r\nserver_name:valkey\r\nvalkey_version:8.0.1\r\nredis_mode:standalone\r\n';
const exec = (info: string): RedisExecutor => ({ send: async () => info });

describe('server version', () => {
  it('parses Redis and Valkey INFO server', () => {
    expect(parseServerInfo(redis('7.4.1'))).toEqual({ server: 'redis', version: '7.4.1', redisVersion: '7.4.1' });
    expect(parseServerInfo(VALKEY_8)).toEqual({ server: 'valkey', version: '8.0.1', redisVersion: '7.2.4' });
    expect(() => parseServerInfo('# Server\r\n')).toThrow('INFO server names no redis_version');
  });

  it('compares major.minor', () => {
    expect(atLeast('7.0.15', 7, 0)).toBe(true);
    expect(atLeast('6.2.16', 7, 0)).toBe(false);
    expect(atLeast('7.2.4', 7, 2)).toBe(true);
    expect(atLeast('7.0.15', 7, 2)).toBe(false);
    expect(atLeast('8.0.0', 7, 2)).toBe(true);
    expect(atLeast('255.255.255', 7)).toBe(true); // unstable builds
  });

  it('refuses a server older than Redis 7.0 with one line naming both versions', async () => {
    await expect(assertSupportedServer(exec(redis('6.2.16')))).rejects.toThrow(UnsupportedServerError);
    await expect(assertSupportedServer(exec(redis('6.2.16')))).rejects.toThrow(
      /^Redis 6\.2\.16 is too old: Sluice needs Redis >= 7\.0 \(or Valkey >= 7\.2\); upgrade the server$/,
    );
    await expect(assertSupportedServer(exec(redis('7.0.0')))).resolves.toMatchObject({ version: '7.0.0' });
    await expect(assertSupportedServer(exec(VALKEY_8))).resolves.toMatchObject({ server: 'valkey' });
  });
});
