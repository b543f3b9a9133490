import { z } from "zod";
import { createApiClient } from "@/cli/api-client";
import { defineCommand } from "@/cli/command";
import { configPath, normalizeBaseUrl, saveConnection } from "@/cli/config";
import { UsageError } from "@/cli/errors";
import { emit } from "@/cli/output";
import { parseOptions, requirePositionals } from "@/cli/parse-options";

const HELP = `Usage: modelport login --url URL --token TOKEN

Checks the token against the portal, then saves the URL and token to
$MODELPORT_CONFIG (default ~/.config/modelport/config.json), readable only by you.
MODELPORT_URL and MODELPORT_TOKEN override the saved values (for CI jobs).

Options:
  --url URL      The portal, e.g. https://modelport.example.com (default: $MODELPORT_URL)
  --token TOKEN  An API token from Settings → API tokens with the read scope (default: $MODELPORT_TOKEN)
`;

export const loginCommand = defineCommand({
  words: ["login"],
  summary: "Check an API token and save it with the portal URL",
  help: HELP,
  parse(argv) {
    const { values, positionals } = parseOptions(
      {
        args: argv,
        options: { url: { type: "string" }, token: { type: "string" } },
        allowPositionals: true,
        strict: true,
      },
      HELP,
    );
    requirePositionals(positionals, [], HELP);
    return { url: values.url, token: values.token };
  },
  async execute(ctx, input) {
    const url = input.url ?? ctx.env.MODELPORT_URL;
    const token = input.token ?? ctx.env.MODELPORT_TOKEN;
    if (!url) throw new UsageError("Missing --url", HELP);
    if (!token) throw new UsageError("Missing --token", HELP);
    const connection = { url: normalizeBaseUrl(url), token };
    await createApiClient(connection).request("GET", "/experiments", { query: { pageSize: 1 }, schema: z.unknown() });
    const path = configPath(ctx.env);
    await saveConnection(path, connection);
    emit(ctx.out, { url: connection.url, configPath: path }, `Logged in to ${connection.url} (saved to ${path})`);
  },
});
