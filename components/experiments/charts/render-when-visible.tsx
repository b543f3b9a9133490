"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";

/**
 * Mounts children only once they scroll near the viewport, so a compare view with many charts of
 * 200 runs draws the first ones immediately instead of all at once.
 */
export function RenderWhenVisible({ height, children }: { height: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || visible) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) setVisible(true);
      },
      { rootMargin: "300px 0px" },
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
