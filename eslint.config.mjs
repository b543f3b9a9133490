import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// A later config object replaces the rule's options for the files it matches, so every folder's rule below repeats
// the relative-import ban.
const relativeImports = {
  group: ["./*", "../*"],
  message: "Import through the @/ alias (one import style everywhere).",
};

/** `no-restricted-imports` that bans relative imports plus the given `@/` folders (see docs: who may import whom). */
const restrictImports = (...patterns) => ({
  "no-restricted-imports": ["error", { patterns: [relativeImports, ...patterns] }],
});

const outsideBrowser = ["@/server/*", "@/runtime/*", "@/workers/*", "@/prisma/*", "@/training/*", "@/cli/*"];
const notForBrowserOrRuntime = ["@/app/*", "@/bench/*", "@/scripts/*", "@/tests/*", "@/playwright/*"];

/** The server is imported by the worker, the seed and the web app, never the other way round. */
const serverOnlyImportsServer = {
  group: [
    "@/components/*",
    "@/trpc/*",
    "@/workers/*",
    "@/runtime/*",
    "@/training/*",
    "@/cli/*",
    ...notForBrowserOrRuntime,
  ],
  message:
    "server/ imports only @/server, @/contracts and @/lib (the processes around it import the server, not the reverse).",
};

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      "server/db/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      ".data/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import/no-duplicates": ["error", { "prefer-inline": true }],
      ...restrictImports(),
    },
  },
  {
    files: ["components/**", "lib/**"],
    rules: restrictImports(
      {
        group: [...outsideBrowser, ...notForBrowserOrRuntime],
        message: "Components and lib import only @/contracts, @/lib, @/components and @/trpc/react (browser bundle).",
      },
      { group: ["@/trpc/*", "!@/trpc/react"], message: "Components use the tRPC React client, @/trpc/react." },
    ),
  },
  {
    files: ["runtime/**"],
    rules: restrictImports({
      group: [
        "@/server/*",
        "@/workers/*",
        "@/prisma/*",
        "@/training/*",
        "@/cli/*",
        "@/components/*",
        "@/trpc/*",
        ...notForBrowserOrRuntime,
      ],
      message: "The runtime is its own process: it imports only @/contracts, @/lib and @/runtime.",
    }),
  },
  ...["training", "cli"].map((folder) => ({
    files: [`${folder}/**`],
    rules: restrictImports({
      group: ["@/*", ...["contracts", "lib", folder].flatMap((own) => [`!@/${own}`, `!@/${own}/*`])],
      message: `${folder}/ stands apart from the portal: it imports only @/contracts, @/lib and its own files.`,
    }),
  })),
  {
    files: ["contracts/**"],
    rules: restrictImports({
      group: ["@/*", "!@/contracts", "!@/contracts/*"],
      message: "contracts/ imports nothing of the project but its own files (and zod).",
    }),
  },
  {
    files: ["server/**"],
    rules: restrictImports(serverOnlyImportsServer),
  },
  {
    files: ["server/integrations/**"],
    rules: restrictImports(serverOnlyImportsServer, {
      group: ["@/server/services/*"],
      message: "Integrations talk to the outside world; services call them, never the other way round.",
    }),
  },
  {
    files: ["app/**"],
    ignores: [
      // Route handlers may use the database directly.
      "app/api/**",
    ],
    rules: restrictImports({
      group: ["@/server/db/*", "@/server/services/*"],
      message: "Pages read through the server-side tRPC caller (@/trpc/server), not the database or services.",
    }),
  },
];

export default config;
