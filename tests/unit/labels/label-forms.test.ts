import { describe, expect, it } from "vitest";
import { labelFormSchema, rejectFormSchema } from "@/components/labels/label-form-schema";
import {
  createQueueFormSchema,
  defaultSampling,
  samplingFormDefaults,
  updateQueueFormSchema,
  type CreateQueueFormValues,
} from "@/components/labels/queue-form-schema";

const classes = { kind: "classes" as const, classes: ["legit", "fraud"] };

describe("the reviewer's label form", () => {
  it("gives a class, a bounded number or a rating with its comment", () => {
    expect(labelFormSchema(classes).parse({ choice: "fraud", comment: "", reason: " why " })).toEqual({
      value: { kind: "classes", label: "fraud" },
      reason: "why",
    });
    const number = labelFormSchema({ kind: "number", min: 0, max: 120 });
    expect(number.parse({ choice: "42.5", comment: "", reason: "" })).toEqual({
      value: { kind: "number", value: 42.5 },
      reason: undefined,
    });
    const rating = labelFormSchema({ kind: "rating", scale: 5, comment: true });
    expect(rating.parse({ choice: "4", comment: " good ", reason: "" }).value).toEqual({
      kind: "rating",
      rating: 4,
      comment: "good",
    });
  });

  it("refuses what the queue does not take, on the choice field", () => {
    const issues = (schema: ReturnType<typeof labelFormSchema>, choice: string) =>
      schema.safeParse({ choice, comment: "", reason: "" }).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues(labelFormSchema(classes), "maybe")).toEqual([
      ["choice", '"maybe" is not one of the queue\'s classes'],
    ]);
    expect(issues(labelFormSchema(classes), "")).toEqual([["choice", "Pick one"]]);
    expect(issues(labelFormSchema({ kind: "number", max: 10 }), "11")).toEqual([
      ["choice", "The value must be at most 10"],
    ]);
    expect(issues(labelFormSchema({ kind: "number" }), "")).toEqual([["choice", "Type a number"]]);
    expect(issues(labelFormSchema({ kind: "rating", scale: 5, comment: false }), "6")).toEqual([
      ["choice", "The rating must be between 1 and 5"],
    ]);
  });

  it("requires a reason to reject", () => {
    expect(rejectFormSchema.safeParse({ reason: "   " }).success).toBe(false);
    expect(rejectFormSchema.parse({ reason: " wrong " })).toEqual({ reason: "wrong" });
  });
});

const createValues = (changes: Partial<CreateQueueFormValues> = {}): CreateQueueFormValues => ({
  modelName: " fraud-detector ",
  name: "fraud review",
  schemaKind: "default",
  classes: "",
  min: "",
  max: "",
  scale: "5",
  comment: true,
  ...samplingFormDefaults(defaultSampling, 2, 300),
  ...changes,
});

describe("the queue forms", () => {
  it("turn the typed text into the server's input", () => {
    const input = createQueueFormSchema.parse(createValues());
    expect(input).toMatchObject({ modelName: "fraud-detector", name: "fraud review", overlap: 2, dailyBudget: 300 });
    expect(input.labelSchema).toBeUndefined();
    expect(input.sampling).toEqual(defaultSampling);
    expect(
      createQueueFormSchema.parse(createValues({ schemaKind: "classes", classes: "a, b ,c" })).labelSchema,
    ).toEqual({
      kind: "classes",
      classes: ["a", "b", "c"],
    });
    expect(createQueueFormSchema.parse(createValues({ schemaKind: "number", min: "0", max: "" })).labelSchema).toEqual({
      kind: "number",
      min: 0,
    });
    expect(
      createQueueFormSchema.parse(createValues({ schemaKind: "rating", scale: "4", comment: false })).labelSchema,
    ).toEqual({ kind: "rating", scale: 4, comment: false });
  });

  it("refuse what the server would, where the person typed it", () => {
    const paths = (values: CreateQueueFormValues) =>
      createQueueFormSchema.safeParse(values).error?.issues.map((i) => i.path.join("."));
    const defaults = samplingFormDefaults(defaultSampling, 2, 300);
    expect(paths(createValues({ rates: { ...defaults.rates, AUDIT: "2" } }))).toEqual(["sampling.rates.AUDIT"]);
    expect(paths(createValues({ overlap: "" }))).toEqual(["overlap"]);
    expect(paths(createValues({ schemaKind: "classes", classes: "only" }))).toEqual(["labelSchema.classes"]);
    expect(new Set(paths(createValues({ name: "" })))).toEqual(new Set(["name"]));
  });

  it("update the queue they were made for", () => {
    const update = updateQueueFormSchema("queue-1").parse({
      name: "renamed",
      ...samplingFormDefaults(defaultSampling, 3, 10),
    });
    expect(update).toMatchObject({ queueId: "queue-1", name: "renamed", overlap: 3, dailyBudget: 10 });
  });
});
