// A uPlot time chart: created once, fed with setData on each sample, resized with its box.
import { memo, useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Value formatting for the legend and axis. */
  format?: (v: number) => string;
}

export interface ChartProps {
  title: string;
  /** Seconds since the epoch. */
  t: number[];
  series: ChartSeries[];
  height?: number;
  /** Fixed y range (e.g. [0, 100] for percentages). */
  range?: [number, number];
}

function options(p: ChartProps, width: number): uPlot.Options {
  const fmt = p.series[0]?.format ?? ((v: number) => String(v));
  return {
    width,
    height: p.height ?? 160,
    legend: { show: true, live: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: p.range ? { range: p.range } : { auto: true } },
    axes: [
      { stroke: 'var(--muted)', grid: { stroke: 'rgba(128,128,128,0.15)' } },
      {
        stroke: 'var(--muted)',
        grid: { stroke: 'rgba(128,128,128,0.15)' },
        size: 56,
        values: (_u, ticks) => ticks.map(fmt),
      },
    ],
    series: [
      {},
      ...p.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : (s.format ?? fmt)(v)),
      })),
    ],
  };
}

export const Chart = memo(function Chart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = p.series.map((s) => `${s.label}/${s.color}`).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let gone = false;
    let ro: ResizeObserver | undefined;
    // Loaded on first use: uPlot touches matchMedia at import, which a test DOM lacks.
    void import('uplot')
      .then(({ default: UPlot }) => {
        if (gone) return;
        plot.current = new UPlot(
          options(p, el.clientWidth || 400),
          [p.t, ...p.series.map((s) => s.values)],
          el,
        );
        ro = new ResizeObserver(() =>
          plot.current?.setSize({ width: el.clientWidth || 400, height: p.height ?? 160 }),
        );
        ro.observe(el);
      })
      .catch(() => {
        // No canvas (a test DOM): the figures around the chart still say everything.
        plot.current = null;
      });
    return () => {
      gone = true;
      ro?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series set changes; data flows through setData below.
  }, [shape, p.height, p.range?.[0], p.range?.[1]]);

  useEffect(() => {
    plot.current?.setData([p.t, ...p.series.map((s) => s.values)]);
  }, [p.t, p.series]);

  return (
    <figure className="chart" aria-label={p.title}>
      <figcaption>{p.title}</figcaption>
      <div ref={box} className="chart-box" />
    </figure>
  );
});
