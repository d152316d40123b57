// A tiny line of the last minutes, drawn straight on a canvas: 50 rows of these stay cheap where 50
// chart instances would not.
import { memo, useEffect, useRef } from 'react';

export interface SparklineProps {
  values: readonly (number | null)[];
  /** Fixed top of the scale (CPU: 100 per core); default: the largest value. */
  max?: number;
  label: string;
  color?: string;
}

export const Sparkline = memo(function Sparkline({ values, max, label, color }: SparklineProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext?.('2d');
    if (!c || !ctx) return;
    const w = c.width;
    const h = c.height;
    ctx.clearRect(0, 0, w, h);
    const nums = values.filter((v): v is number => v !== null);
    if (nums.length < 2) return;
    const top = Math.max(max ?? 0, ...nums, 1e-9);
    ctx.strokeStyle = color ?? getComputedStyle(c).color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    values.forEach((v, i) => {
      if (v === null) return;
      const x = (i / (values.length - 1)) * (w - 2) + 1;
      const y = h - 1 - (v / top) * (h - 2);
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
    });
    ctx.stroke();
  }, [values, max, color]);
  return <canvas ref={ref} className="spark" width={120} height={24} role="img" aria-label={label} />;
});
