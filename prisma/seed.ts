import { systemContextFromEnv } from "@/server/context-from-env";
import { closeRateLimits } from "@/server/rate-limit/limiter";
import { closeQueues } from "@/server/jobs/define-job";
import { DEMO_MODELS, DEMO_TEAMS } from "@/prisma/seed/demo-catalog";
import { seedModel } from "@/prisma/seed/seed-model";
import { seedPeople } from "@/prisma/seed/seed-people";
import { seedPricing } from "@/prisma/seed/seed-pricing";
import { seedRuntimeModels } from "@/prisma/seed/seed-runtime-models";
import { seedGoldenSets } from "@/prisma/seed/seed-golden-sets";
import { seedFeatures } from "@/prisma/seed/seed-features";

// Demo data for `npm start` and the end-to-end tests, written through the same services the API uses.
// Every row it creates is labelled demo. Running it again on a seeded database does nothing.
const system = systemContextFromEnv();
const database = system.db;
const demoTeams = await database.team.count({ where: { name: { in: [...DEMO_TEAMS] }, isDemo: true } });
const demoModels = await database.registeredModel.count({ where: { isDemo: true } });
if (demoTeams > 0 && demoModels === DEMO_MODELS.length) {
  console.log("Demo data is already there; nothing to do.");
} else if (demoTeams > 0) {
  throw new Error(
    "An earlier seed stopped half-way. Drop the database (psql -c 'DROP DATABASE modelport') and run npm start again.",
  );
} else {
  const started = Date.now();
  const people = await seedPeople(system);
  for (const model of DEMO_MODELS) {
    const owner = people.get(model.owner);
    if (!owner) throw new Error(`Demo model ${model.name} names an unknown owner ${model.owner}`);
    await seedModel(database, owner, model);
  }
  const person = (email: string) => {
    const ctx = people.get(email);
    if (!ctx) throw new Error(`The demo needs ${email}`);
    return ctx;
  };
  // Each team releases its own model; a second person of that team approves production.
  const built = await seedRuntimeModels(database, {
    fraud: { scientist: person("dana.scientist@modelport.dev"), reviewer: person("rita.reviewer@modelport.dev") },
    logistics: {
      scientist: person("luis.scientist@modelport.dev"),
      reviewer: person("manuel.manager@modelport.dev"),
    },
  });
  // Golden sets and gate rules come after the seed's own production releases: later ones meet the gate.
  await seedGoldenSets(
    {
      "fraud-detector-xgb": person("dana.scientist@modelport.dev"),
      "delivery-time-estimator": person("luis.scientist@modelport.dev"),
    },
    built,
  );
  await seedFeatures(person("dana.scientist@modelport.dev"));
  console.log(
    `Seeded demo data: ${DEMO_MODELS.length} models with experiments, in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
}
await seedPricing(database);
await system.featureMirror?.close();
await closeQueues();
closeRateLimits();
await database.$disconnect();
