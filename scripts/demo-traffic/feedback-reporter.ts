import { actingAs, type ServiceContext, type SystemContext } from "@/server/services/context";
import { actorOf } from "@/server/auth/actor";
import { createApiToken, revokeApiToken } from "@/server/services/admin/api-tokens";
import { seedRestClient } from "@/prisma/seed/seed-rest-client";
import type { PendingOutcome } from "@/scripts/demo-traffic/feedback-plan";

const TOKEN_NAME = "DEMO traffic feedback";

type TeamClient = { ctx: ServiceContext; tokenId: string; call: ReturnType<typeof seedRestClient> };

/**
 * Reports DEMO outcomes through POST /api/v1/endpoints/{endpoint}/feedback, as each team's pipeline would: with a
 * `feedback:write` token of one of the team's demo data scientists, revoked when the demo stops.
 */
export function feedbackReporter(system: SystemContext) {
  const clients = new Map<string, Promise<TeamClient>>();

  async function clientFor(teamId: string): Promise<TeamClient> {
    const person = await system.db.user.findFirst({
      where: { teamId, isDemo: true, role: "DATA_SCIENTIST" },
      orderBy: { email: "asc" },
      select: { id: true, role: true, teamId: true },
    });
    if (!person) throw new Error(`No demo data scientist in team ${teamId} to report its DEMO feedback`);
    const ctx = actingAs(system, actorOf(person));
    const { token, secret } = await createApiToken(ctx, {
      name: TOKEN_NAME,
      scopes: ["feedback:write"],
      expiresInDays: 1,
    });
    return { ctx, tokenId: token.id, call: seedRestClient(secret) };
  }

  return {
    async report(teamId: string, outcomes: PendingOutcome[]): Promise<void> {
      const first = outcomes[0];
      if (!first) return;
      let client = clients.get(teamId);
      if (!client) {
        client = clientFor(teamId);
        clients.set(teamId, client);
      }
      const { call } = await client;
      await call("POST", `/endpoints/${encodeURIComponent(first.endpoint)}/feedback`, {
        json: {
          outcomes: outcomes.map((pending) => ({
            predictionId: pending.predictionId,
            knownAt: new Date(pending.dueAt).toISOString(),
            ...pending.outcome,
          })),
        },
      });
    },
    async close(): Promise<void> {
      for (const client of clients.values()) {
        const { ctx, tokenId } = await client;
        await revokeApiToken(ctx, tokenId);
      }
    },
  };
}
