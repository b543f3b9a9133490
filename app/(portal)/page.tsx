import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";

export default function HomePage() {
  const areas = [
    { href: "/models", title: "Model registry", text: "Find models, their versions, aliases and who moved them when." },
    {
      href: "/experiments",
      title: "Experiments",
      text: "Runs with metrics and parameters; filter, sort and compare up to 200 runs.",
    },
    {
      href: "/settings/tokens",
      title: "API tokens",
      text: "Scoped tokens for training pipelines and the modelport CLI.",
    },
  ];
  return (
    <>
      <PageHeader title="Welcome to Modelport" description="The model lifecycle in one place." />
      <div className="grid gap-4 md:grid-cols-3">
        {areas.map((a) => (
          <Link
            key={a.href}
            href={a.href}
            className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-indigo-300"
          >
            <h2 className="font-semibold text-slate-900">{a.title}</h2>
            <p className="mt-1 text-sm text-slate-500">{a.text}</p>
          </Link>
        ))}
      </div>
    </>
  );
}
