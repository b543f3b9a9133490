import type { RunnableCommand } from "@/cli/command";
import { artifactsUploadCommand } from "@/cli/commands/artifacts-upload";
import { feedbackSendCommand } from "@/cli/commands/feedback-send";
import { loginCommand } from "@/cli/commands/login";
import { modelsAliasCommand } from "@/cli/commands/models-alias";
import { modelsListCommand } from "@/cli/commands/models-list";
import { modelsRegisterCommand } from "@/cli/commands/models-register";
import { runsCreateCommand } from "@/cli/commands/runs-create";
import { runsFinishCommand } from "@/cli/commands/runs-finish";
import { runsLogCommand } from "@/cli/commands/runs-log";

export const COMMANDS: RunnableCommand[] = [
  loginCommand,
  runsCreateCommand,
  runsLogCommand,
  runsFinishCommand,
  artifactsUploadCommand,
  modelsRegisterCommand,
  modelsListCommand,
  modelsAliasCommand,
  feedbackSendCommand,
];
