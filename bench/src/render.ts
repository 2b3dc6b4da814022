/**
 * Re-render the markdown report of a recorded run: `node ... src/render.ts [results/latest.json]`. The targets are
 * checked again with today's list (targets.ts), so an older run reads against the current targets.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { markdown, type RunRecord } from './report.js';
import { Results } from './results.js';
import { targets } from './targets.js';

const file = resolve(process.cwd(), process.argv[2] ?? 'results/latest.json');
const run = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
const results = new Results();
for (const row of run.rows) results.add(row);
run.targets = targets(results, run.args.concurrency, run.args.rates);
console.log(markdown(run));
