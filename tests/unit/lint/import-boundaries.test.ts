import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
let eslint: ESLint;

/** The no-restricted-imports messages ESLint reports for `code` as if it were the file at `filePath`. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const importing = (specifier: string) => `import { x } from "${specifier}";\n\nexport const y = x;\n`;

describe("import boundaries (eslint.config.mjs)", () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  it.each([
    ["components/x/y.tsx", "@/server/services/registry/schemas"],
    ["components/x/y.tsx", "@/server/db/generated/enums"],
    ["components/x/y.tsx", "@/runtime/serving/predict"],
    ["components/x/y.tsx", "@/trpc/server"],
    ["lib/z.ts", "@/server/auth/roles"],
    ["lib/z.ts", "@/training/random"],
    ["runtime/z.ts", "@/server/services/drift/psi"],
    ["runtime/z.ts", "@/training/random"],
    ["server/integrations/a/b.ts", "@/server/services/deployments/guardrails"],
    ["contracts/c.ts", "@/server/auth/roles"],
    ["contracts/c.ts", "@/lib/format"],
    ["app/(portal)/p/page.tsx", "@/server/db/client"],
    ["app/(portal)/p/page.tsx", "@/server/services/registry/get-model"],
    ["server/services/x/y.ts", "@/workers/start-workers"],
    ["training/t.ts", "@/server/db/client"],
    ["cli/c.ts", "@/server/services/registry/schemas"],
    ["cli/c.ts", "@/training/random"],
    ["server/jobs/j.ts", "@/components/ui/badge"],
    ["server/integrations/a/b.ts", "@/runtime/serving/predict"],
    ["server/services/x/y.ts", "../y"],
    ["components/x/y.tsx", "./z"],
  ])(
    "refuses %s importing %s",
    async (filePath, specifier) => {
      expect(await restrictedImports(filePath, importing(specifier))).toHaveLength(1);
    },
    60_000,
  );

  it.each([
    ["components/x/y.tsx", "@/contracts/registry"],
    ["components/x/y.tsx", "@/components/ui/badge"],
    ["components/x/y.tsx", "@/lib/format"],
    ["components/x/y.tsx", "@/trpc/react"],
    ["runtime/z.ts", "@/contracts/runtime-control"],
    ["runtime/z.ts", "@/runtime/errors"],
    ["contracts/c.ts", "@/contracts/enums"],
    ["server/integrations/a/b.ts", "@/server/integrations/prometheus/client"],
    ["server/services/x/y.ts", "@/server/db/client"],
    ["server/services/x/y.ts", "@/contracts/enums"],
    ["server/jobs/handlers/h.ts", "@/server/services/context"],
    ["training/t.ts", "@/contracts/signature"],
    ["cli/c.ts", "@/cli/output"],
    ["app/api/health/route.ts", "@/server/db/client"],
  ])(
    "allows %s importing %s",
    async (filePath, specifier) => {
      expect(await restrictedImports(filePath, importing(specifier))).toEqual([]);
    },
    60_000,
  );
});
