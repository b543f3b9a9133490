"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

type Props = Omit<ComponentProps<typeof Link>, "href" | "prefetch"> & { href: string };

/**
 * A link that prefetches its page when someone reaches for it (pointer over it, or focus), not when it scrolls into
 * view. A page of many links (a menu, a legend of 200 runs, a table scrolled through) would otherwise ask the server
 * for every linked page while the page's own data loads.
 */
export function IntentLink({ href, onPointerEnter, onFocus, ...props }: Props) {
  const router = useRouter();
  return (
    <Link
      {...props}
      href={href}
      prefetch={false}
      onPointerEnter={(event) => {
        router.prefetch(href);
        onPointerEnter?.(event);
      }}
      onFocus={(event) => {
        router.prefetch(href);
        onFocus?.(event);
      }}
    />
  );
}
