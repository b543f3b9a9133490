import { expect } from "vitest";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";

/**
 * A model registered through the REST API by a data scientist: an ONNX file with two float32 inputs (amount, hour)
 * and a probability — what the SageMaker stand-ins score.
 */
export async function givenTabularModel(prefix: string, modelBytes: Uint8Array) {
  const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  const token = scientist.secret;
  const name = `${prefix}-${Date.now().toString(36)}`;
  await callApi("POST", "/models", { token, json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" } });
  const run = await callApi("POST", "/runs", { token, json: { experimentName: `${name}-training`, name: "train" } });
  const runId = run.json.id as string;
  const upload = await callApi("POST", `/runs/${runId}/artifacts?path=model.onnx`, {
    token,
    body: new Uint8Array(modelBytes),
    headers: { "content-type": "application/octet-stream" },
  });
  expect(upload.status).toBe(201);
  await callApi("POST", `/runs/${runId}/finish`, { token, json: { status: "FINISHED" } });
  const version = await callApi("POST", `/models/${name}/versions`, {
    token,
    json: { runId, artifactPath: "model.onnx", format: "ONNX", signature: TABULAR_SIGNATURE },
  });
  expect(version.status, JSON.stringify(version.json)).toBe(201);
  return { name, version: version.json.version as number, token, team: scientist.team };
}
