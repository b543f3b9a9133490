import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

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
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["./*", "../*"], message: "Import through the @/ alias (one import style everywhere)." }],
        },
      ],
    },
  },
];

export default config;
