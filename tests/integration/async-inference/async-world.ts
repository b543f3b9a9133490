import { signatureSchema } from "@/contracts/signature";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { localRuntimeClient, type LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import type { AsyncRuntime } from "@/server/services/async-inference/run-invocation";
import type { WebhookDeps } from "@/server/services/async-inference/deliver-webhook";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";
import { chunksOf } from "@/lib/web-streams";
import { createApiToken } from "@/server/services/admin/api-tokens";
import type { TokenScope } from "@/contracts/token-scopes";
import { callApi, givenUser } from "@/tests/integration/fixtures";
import { givenFraudModel } from "@/tests/integration/batch/batch-world";
import type { ModelRuntime } from "@/tests/integration/deployments/deploy-stack";

export const runtimeClientOf = (stack: ModelRuntime): LocalRuntimeClient =>
  localRuntimeClient({ baseUrl: stack.runtime.baseUrl, controlToken: stack.runtime.controlToken });

/**
 * The fraud model registered by a data scientist's team, an endpoint of it on the local target (as a promotion leaves
 * it), served by the test's runtime; and a token of the team that may invoke it.
 */
export async function givenServedEndpoint(stack: ModelRuntime, prefix: string) {
  const model = await givenFraudModel(stack, prefix);
  const version = await db().modelVersion.findFirstOrThrow({
    where: { version: model.version, model: { name: model.name } },
    include: { artifact: true },
  });
  const endpoint = await db().endpoint.create({
    data: { name: `${model.name}-prod`, modelId: version.modelId, environment: "PRODUCTION", target: "LOCAL" },
  });
  const runtime = runtimeClientOf(stack);
  const variant = {
    variantName: `${model.name}-v${model.version}`,
    modelName: model.name,
    version: model.version,
    modelPath: await systemContextFromEnv().artifacts.localFile(version.artifact!.sha256),
    sha256: version.artifact!.sha256,
    signature: signatureSchema.parse(version.signature),
  };
  await loadScratchEndpoint(runtime, endpoint.name, [variant]);
  const invoker = await givenTeamToken(model.scientist.team.name, ["inference:invoke", "read"]);
  return { model, endpoint, variant, invoker, runtime };
}

/** asyncRuntime's dependencies in this process, against the test's runtime. */
export function asyncRuntime(stack: ModelRuntime, owner: string, deliver: AsyncRuntime["deliver"] = async () => {}) {
  return {
    db: db(),
    artifacts: systemContextFromEnv().artifacts,
    runtime: runtimeClientOf(stack),
    clock: () => new Date(),
    lease: { owner, ttlMs: 2_000, pollMs: 100 },
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    deliver,
  } satisfies AsyncRuntime;
}

export function webhookDeps(overrides: Partial<WebhookDeps> = {}): WebhookDeps {
  return {
    db: db(),
    clock: () => new Date(),
    timeoutMs: 2_000,
    allowedHosts: ["127.0.0.1", "localhost"],
    ...overrides,
  };
}

export async function invoke(
  token: string,
  endpointName: string,
  body: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  return callApi("POST", `/endpoints/${endpointName}/invocations-async`, {
    token,
    body: typeof body === "string" ? body : new Uint8Array(body),
    headers,
  });
}

export async function storedText(sha256: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of chunksOf(await systemContextFromEnv().artifacts.get(sha256)))
    text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** A data scientist of `teamName` and a token of theirs with `scopes`. */
export async function givenTeamToken(teamName: string, scopes: TokenScope[]) {
  const person = await givenUser("DATA_SCIENTIST", teamName);
  const { secret } = await createApiToken(person.ctx, { name: "async", scopes, expiresInDays: 1 });
  return { ...person, secret };
}
