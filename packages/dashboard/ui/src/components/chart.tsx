/**
 * Completed and failed jobs per step as a uPlot line chart (uPlot: ~50 KB, canvas, no dependencies; it styles
 * elements through the DOM, which the strict CSP allows). Width follows the container.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { HistoryPoint } from '../types.js';

/** Chart props: the points, the step (for the y-axis label) and a title. */
export interface ChartProps {
  points: HistoryPoint[];
  stepMs: number;
  title: string;
}

const COMPLETED = '#2f7d4a';
/** Bars (counts per step read better as bars than as a line), `size` a fraction of the step. */
const bars = (size: number) => uPlot.paths.bars?.({ size: [size, 40], align: 0 });
const FAILED = '#c0392b';

function data(points: HistoryPoint[]): uPlot.AlignedData {
  return [points.map((p) => p.t / 1000), points.map((p) => p.completed), points.map((p) => p.failed)];
}

/** The chart. */
export function ThroughputChart({ points, stepMs, title }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const per = stepMs >= 3_600_000 ? `${stepMs / 3_600_000} h` : `${Math.round(stepMs / 60_000)} min`;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 300),
      height: 180,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        // Half a step of room on each side, so the first and last bars are whole.
        x: { time: true, range: (_u, min, max) => [min - stepMs / 2000, max + stepMs / 2000] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      axes: [
        { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' } },
        { stroke: '#555', grid: { stroke: '#eee' }, ticks: { stroke: '#ddd' }, size: 50, label: `jobs / ${per}` },
      ],
      series: [
        {},
        {
          label: 'completed',
          stroke: COMPLETED,
          width: 0,
          fill: 'rgba(47,125,74,0.55)',
          paths: bars(0.7),
          points: { show: false },
        },
        {
          label: 'failed',
          stroke: FAILED,
          width: 0,
          fill: 'rgba(192,57,43,0.8)',
          paths: bars(0.35),
          points: { show: false },
        },
      ],
    };
    const u = new uPlot(opts, data(points), el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(el.clientWidth, 300), height: 180 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [per]);
  useEffect(() => {
    plot.current?.setData(data(points));
  }, [points]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} class="chart-box" />
    </figure>
  );
}
