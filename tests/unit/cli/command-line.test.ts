import { describe, expect, it } from "vitest";
import { artifactsUploadCommand } from "@/cli/commands/artifacts-upload";
import { COMMANDS } from "@/cli/commands";
import { loginCommand } from "@/cli/commands/login";
import { modelsAliasCommand } from "@/cli/commands/models-alias";
import { modelsListCommand } from "@/cli/commands/models-list";
import { modelsRegisterCommand } from "@/cli/commands/models-register";
import { runsCreateCommand } from "@/cli/commands/runs-create";
import { runsFinishCommand } from "@/cli/commands/runs-finish";
import { runsLogCommand } from "@/cli/commands/runs-log";
import { dispatch } from "@/cli/dispatch";
import { UsageError } from "@/cli/errors";
import { extractGlobalFlags } from "@/cli/parse-options";

describe("extractGlobalFlags", () => {
  it("finds --json and --help anywhere before --", () => {
    expect(extractGlobalFlags(["runs", "--json", "create", "--experiment", "x"])).toEqual({
      json: true,
      help: false,
      rest: ["runs", "create", "--experiment", "x"],
    });
    expect(extractGlobalFlags(["runs", "log", "-h"])).toMatchObject({ help: true, rest: ["runs", "log"] });
    expect(extractGlobalFlags(["runs", "log", "--", "--json"])).toEqual({
      json: false,
      help: false,
      rest: ["runs", "log", "--", "--json"],
    });
  });
});

describe("dispatch", () => {
  it("matches the command words and passes the rest on", () => {
    const found = dispatch(["runs", "log", "r1", "--param", "a=1"], COMMANDS);
    expect(found.kind === "command" && found.command.words).toEqual(["runs", "log"]);
    expect(found.kind === "command" && found.argv).toEqual(["r1", "--param", "a=1"]);
  });

  it("recognises groups, the overview and unknown commands", () => {
    expect(dispatch(["models"], COMMANDS)).toMatchObject({ kind: "group", group: "models" });
    expect(dispatch([], COMMANDS)).toEqual({ kind: "overview" });
    expect(dispatch(["help"], COMMANDS)).toEqual({ kind: "overview" });
    expect(dispatch(["runs", "delete", "r1"], COMMANDS)).toEqual({ kind: "unknown", words: "runs delete" });
  });
});

describe("command parsing", () => {
  it("login takes --url and --token and nothing else", () => {
    expect(loginCommand.parse(["--url", "http://x", "--token", "mp_1"])).toEqual({ url: "http://x", token: "mp_1" });
    expect(() => loginCommand.parse(["http://x"])).toThrow('Unexpected argument "http://x"');
    expect(() => loginCommand.parse(["--password", "x"])).toThrow(UsageError);
  });

  it("runs create needs an experiment and collects tags", () => {
    expect(
      runsCreateCommand.parse([
        "--experiment",
        "fraud",
        "--name",
        "n1",
        "--git-commit",
        "abc",
        "--dataset",
        "s3://d",
        "--tag",
        "a=1",
        "--tag",
        "b=2",
      ]),
    ).toEqual({
      experimentName: "fraud",
      name: "n1",
      gitCommit: "abc",
      datasetRef: "s3://d",
      tags: { a: "1", b: "2" },
    });
    expect(runsCreateCommand.parse(["--experiment", "fraud"]).tags).toBeUndefined();
    expect(() => runsCreateCommand.parse([])).toThrow("Missing --experiment");
  });

  it("runs log takes a run id and at least something to log", () => {
    expect(
      runsLogCommand.parse(["r1", "--param", "lr=0.1", "--metric", "loss=0.5@2", "--metrics-file", "m.csv"]),
    ).toEqual({
      runId: "r1",
      params: { lr: "0.1" },
      metrics: [{ key: "loss", value: 0.5, step: 2 }],
      metricsFile: "m.csv",
    });
    expect(() => runsLogCommand.parse(["r1"])).toThrow(/Nothing to log/);
    expect(() => runsLogCommand.parse(["--param", "a=1"])).toThrow("Missing RUN_ID");
    expect(() => runsLogCommand.parse(["r1", "r2", "--param", "a=1"])).toThrow('Unexpected argument "r2"');
    expect(() => runsLogCommand.parse(["r1", "--metric", "loss"])).toThrow(/key=value/);
  });

  it("runs finish defaults to FINISHED and checks the status", () => {
    expect(runsFinishCommand.parse(["r1"])).toEqual({ runId: "r1", status: "FINISHED" });
    expect(runsFinishCommand.parse(["r1", "--status", "killed"])).toEqual({ runId: "r1", status: "KILLED" });
    expect(() => runsFinishCommand.parse(["r1", "--status", "DONE"])).toThrow(
      /must be one of FINISHED, FAILED, KILLED/,
    );
  });

  it("artifacts upload names the artifact after the file unless --path says otherwise", () => {
    expect(artifactsUploadCommand.parse(["r1", "out/model.onnx"])).toEqual({
      runId: "r1",
      file: "out/model.onnx",
      path: "model.onnx",
    });
    expect(artifactsUploadCommand.parse(["r1", "out/model.onnx", "--path", "models/m.onnx"]).path).toBe(
      "models/m.onnx",
    );
    expect(() => artifactsUploadCommand.parse(["r1"])).toThrow("Missing FILE");
  });

  it("models register maps format and task to the API's values and checks --create", () => {
    expect(
      modelsRegisterCommand.parse([
        "fraud",
        "--run",
        "r1",
        "--format",
        "onnx",
        "--artifact",
        "model.onnx",
        "--create",
        "--team",
        "Risk",
        "--task",
        "classification",
      ]),
    ).toEqual({
      name: "fraud",
      version: { runId: "r1", format: "ONNX", artifactPath: "model.onnx", description: undefined },
      signatureFile: undefined,
      create: { team: "Risk", taskType: "CLASSIFICATION" },
    });
    const base = ["fraud", "--run", "r1", "--artifact", "model.tar.gz"];
    expect(modelsRegisterCommand.parse([...base, "--format", "vllm"]).create).toBeUndefined();
    expect(() => modelsRegisterCommand.parse(["fraud", "--format", "onnx"])).toThrow("Missing --run");
    expect(() => modelsRegisterCommand.parse(["fraud", "--run", "r1"])).toThrow("Missing --format");
    expect(() => modelsRegisterCommand.parse(["fraud", "--run", "r1", "--format", "onnx"])).toThrow(
      "Missing --artifact",
    );
    expect(() => modelsRegisterCommand.parse([...base, "--format", "pickle"])).toThrow(/onnx, vllm, container/);
    expect(() => modelsRegisterCommand.parse([...base, "--format", "onnx", "--create"])).toThrow(
      "--create needs --task",
    );
    expect(() => modelsRegisterCommand.parse([...base, "--format", "onnx", "--task", "llm"])).toThrow(
      /only apply with --create/,
    );
  });

  it("models list and alias", () => {
    expect(modelsListCommand.parse(["--search", "fraud", "--tag", "pii", "--page-size", "10"])).toEqual({
      search: "fraud",
      tag: "pii",
      team: undefined,
      page: undefined,
      cursor: undefined,
      pageSize: 10,
    });
    expect(modelsListCommand.parse(["--cursor", "eyJvIjoxfQ"])).toMatchObject({ cursor: "eyJvIjoxfQ" });
    expect(() => modelsListCommand.parse(["--page", "0"])).toThrow(/positive whole number/);
    expect(modelsAliasCommand.parse(["fraud", "production", "v3", "--reason", "better AUC"])).toEqual({
      name: "fraud",
      alias: "production",
      version: 3,
      reason: "better AUC",
    });
    expect(() => modelsAliasCommand.parse(["fraud", "production", "3"])).toThrow("Missing --reason");
    expect(() => modelsAliasCommand.parse(["fraud", "production", "3", "--reason", "  "])).toThrow("Missing --reason");
  });
});
