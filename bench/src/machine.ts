/**
 * Facts about the run's surroundings: how busy the machine is apart from the bench (other processes' CPU skews
 * every figure on 2 cores), and which Sluice sources were measured (a hash, since they may be uncommitted).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

/** Percent of all cores busy over `ms` while the bench itself does nothing (undefined off Linux). */
export async function backgroundBusy(ms = 3000): Promise<number | undefined> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  if (!a || !b || b.total === a.total) return undefined;
  return ((b.busy - a.busy) / (b.total - a.total)) * 100;
}

/** SHA-1 (12 hex) over the files under `dirs` of `root` (sorted relative paths and contents). */
export function sourceHash(root: string, dirs: readonly string[]): string {
  const h = createHash('sha1');
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
    );
  for (const f of dirs.flatMap(walk).sort()) h.update(f).update(readFileSync(join(root, f)));
  return h.digest('hex').slice(0, 12);
}

/** `git describe`-like label of the checkout: short HEAD, plus `+changes` when the tree has uncommitted edits. */
export function gitLabel(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}
