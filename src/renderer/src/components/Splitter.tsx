// The sidebar's resize handle: drag it, or focus it and use the arrow keys. The width is kept per
// browser (localStorage).
import { useState, type KeyboardEvent, type PointerEvent } from 'react';

const KEY = 'orchard.sidebarWidth';
const MIN = 180;
const MAX = 520;
const clamp = (w: number) => Math.round(Math.min(MAX, Math.max(MIN, w)));

function saved(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(KEY));
    return v ? clamp(v) : 260;
  } catch {
    return 260;
  }
}

export function useSidebarWidth(): [number, (w: number) => void] {
  const [width, setWidth] = useState(saved);
  const set = (w: number) => {
    const c = clamp(w);
    setWidth(c);
    try {
      globalThis.localStorage?.setItem(KEY, String(c));
    } catch {
      // not kept; fine
    }
  };
  return [width, set];
}

export function Splitter({ width, onWidth }: { width: number; onWidth: (w: number) => void }) {
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    const startX = e.clientX;
    const startW = width;
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => onWidth(startW + ev.clientX - startX);
    // A drag ends on release, and also when the browser cancels it (touch, focus lost mid-drag).
    const ends = ['pointerup', 'pointercancel', 'lostpointercapture'] as const;
    const up = () => {
      el.removeEventListener('pointermove', move);
      for (const ev of ends) el.removeEventListener(ev, up);
      document.body.classList.remove('resizing');
    };
    el.addEventListener('pointermove', move);
    for (const ev of ends) el.addEventListener(ev, up);
    document.body.classList.add('resizing');
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 40 : 10;
    if (e.key === 'ArrowLeft') onWidth(width - step);
    else if (e.key === 'ArrowRight') onWidth(width + step);
    else return;
    e.preventDefault();
  };
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize sidebar"
      aria-valuenow={width}
      aria-valuemin={MIN}
      aria-valuemax={MAX}
      tabIndex={0}
      className="splitter"
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => onWidth(260)}
    />
  );
}
