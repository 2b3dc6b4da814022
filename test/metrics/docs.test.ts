/**
 * The Grafana dashboard is valid JSON a user can import, and it and docs/observability.md query only metrics
 * Sluice exports; every exported metric is documented.
 */
import { readFileSync } from 'node:fs';
import { DURATION_BUCKETS, HISTOGRAMS, METRIC_NAMES } from '@sluice/worker/internal';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/cli-helpers.js';

const histograms = new Set<string>(Object.values(HISTOGRAMS).map(([name]) => name));

/** Metric names an expression or text uses, with histogram series suffixes resolved to their family. */
function metricsIn(text: string): string[] {
  return [...text.matchAll(/\bsluice_[a-z_]+\b/g)].map(([m]) => {
    const base = m.replace(/_(bucket|sum|count)$/, '');
    return histograms.has(base) ? base : m;
  });
}

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr: string; datasource?: { uid?: string } }>;
}

describe('docs/grafana/sluice-dashboard.json', () => {
  const dash = JSON.parse(readFileSync(`${ROOT}docs/grafana/sluice-dashboard.json`, 'utf8')) as {
    __inputs: Array<{ name: string; pluginId: string }>;
    uid: string;
    panels: Panel[];
    templating: { list: Array<{ query: { query: string } }> };
  };

  it('queries only metrics Sluice exports, through the imported data source', () => {
    expect(dash.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' })]);
    const graphs = dash.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThanOrEqual(10);
    const exprs = [
      ...graphs.flatMap((p) => {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, not a JS template
        expect(p.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
        expect(p.targets?.length, p.title).toBeGreaterThan(0);
        return (p.targets ?? []).map((t) => t.expr);
      }),
      ...dash.templating.list.map((v) => v.query.query),
    ];
    for (const expr of exprs) {
      const used = metricsIn(expr);
      expect(used.length, expr).toBeGreaterThan(0);
      for (const m of used) expect(METRIC_NAMES, expr).toContain(m);
    }
    // the backlog, age and error-rate views are there
    const all = exprs.join('\n');
    for (const m of ['sluice_queue_ready', 'sluice_queue_oldest_ready_age_seconds', 'sluice_jobs_failed_total'])
      expect(all).toContain(m);
  });
});

describe('docs/observability.md', () => {
  const doc = readFileSync(`${ROOT}docs/observability.md`, 'utf8');

  it('names only metrics that exist, and documents every one in a table', () => {
    for (const m of metricsIn(doc)) expect(METRIC_NAMES, m).toContain(m);
    for (const m of METRIC_NAMES) expect(doc, m).toContain(`| \`${m}\` |`);
    expect(doc).toContain(`\`${DURATION_BUCKETS.join(', ')}\``);
  });
});
