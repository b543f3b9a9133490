import type { RunnableCommand } from "../command";
import { artifactsUploadCommand } from "./artifacts-upload";
import { loginCommand } from "./login";
import { modelsAliasCommand } from "./models-alias";
import { modelsListCommand } from "./models-list";
import { modelsRegisterCommand } from "./models-register";
import { runsCreateCommand } from "./runs-create";
import { runsFinishCommand } from "./runs-finish";
import { runsLogCommand } from "./runs-log";

export const COMMANDS: RunnableCommand[] = [
  loginCommand,
  runsCreateCommand,
  runsLogCommand,
  runsFinishCommand,
  artifactsUploadCommand,
  modelsRegisterCommand,
  modelsListCommand,
  modelsAliasCommand,
];
