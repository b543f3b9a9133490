import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";

export default function ModelNotFound() {
  return (
    <EmptyState
      title="Not found"
      description="There is no such model or version. It may have been named differently; search the registry."
      action={
        <Link href="/models" className="text-sm font-medium text-indigo-700 hover:underline">
          Back to models
        </Link>
      }
    />
  );
}
