"use client";

import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";

/**
 * Mounts children only once they scroll near the viewport, so a compare view with many charts of
 * 200 runs draws the first ones immediately instead of all at once.
 */
const MARGIN = 300;

export function RenderWhenVisible({ height, children }: { height: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  // What is already on screen mounts before the first paint, without waiting a frame for the observer's first report.
  useLayoutEffect(() => {
    const rect = ref.current?.getBoundingClientRect();
    if (rect && rect.top < window.innerHeight + MARGIN && rect.bottom > -MARGIN) setVisible(true);
  }, []);
  useEffect(() => {
    const element = ref.current;
    if (!element || visible) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setVisible(true);
      },
      { rootMargin: `${MARGIN}px 0px` },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [visible]);
  return (
    <div ref={ref} style={{ minHeight: height }}>
      {visible ? children : <div className="animate-pulse rounded-md bg-slate-100" style={{ height }} aria-hidden />}
    </div>
  );
}
