import { describe, expect, expectTypeOf, it } from "vitest";
import {
  DEPLOYMENT_ENVIRONMENTS,
  DEPLOYMENT_STATUSES,
  DEPLOYMENT_TARGET_KINDS,
  DRIFT_STATUSES,
  MODEL_FORMATS,
  ROLES,
  RUN_STATUSES,
  TASK_TYPES,
} from "@/contracts/enums";
import { SERVING_MODES } from "@/contracts/serving-modes";
import * as prisma from "@/server/db/generated/enums";

describe("contracts/enums", () => {
  it("has the same types as the Prisma enums (checked by tsc)", () => {
    expectTypeOf<(typeof ROLES)[number]>().toEqualTypeOf<prisma.Role>();
    expectTypeOf<(typeof RUN_STATUSES)[number]>().toEqualTypeOf<prisma.RunStatus>();
    expectTypeOf<(typeof TASK_TYPES)[number]>().toEqualTypeOf<prisma.TaskType>();
    expectTypeOf<(typeof MODEL_FORMATS)[number]>().toEqualTypeOf<prisma.ModelFormat>();
    expectTypeOf<(typeof DEPLOYMENT_ENVIRONMENTS)[number]>().toEqualTypeOf<prisma.DeploymentEnvironment>();
    expectTypeOf<(typeof DEPLOYMENT_TARGET_KINDS)[number]>().toEqualTypeOf<prisma.DeploymentTargetKind>();
    expectTypeOf<(typeof DEPLOYMENT_STATUSES)[number]>().toEqualTypeOf<prisma.DeploymentStatus>();
    expectTypeOf<(typeof DRIFT_STATUSES)[number]>().toEqualTypeOf<prisma.DriftStatus>();
    expectTypeOf<(typeof SERVING_MODES)[number]>().toEqualTypeOf<prisma.ServingMode>();
  });

  it("lists the values in the Prisma order", () => {
    expect(ROLES).toEqual(Object.values(prisma.Role));
    expect(RUN_STATUSES).toEqual(Object.values(prisma.RunStatus));
    expect(TASK_TYPES).toEqual(Object.values(prisma.TaskType));
    expect(MODEL_FORMATS).toEqual(Object.values(prisma.ModelFormat));
    expect(DEPLOYMENT_ENVIRONMENTS).toEqual(Object.values(prisma.DeploymentEnvironment));
    expect(DEPLOYMENT_TARGET_KINDS).toEqual(Object.values(prisma.DeploymentTargetKind));
    expect(DEPLOYMENT_STATUSES).toEqual(Object.values(prisma.DeploymentStatus));
    expect(DRIFT_STATUSES).toEqual(Object.values(prisma.DriftStatus));
    expect(SERVING_MODES).toEqual(Object.values(prisma.ServingMode));
  });
});
