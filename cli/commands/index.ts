import type { RunnableCommand } from "@/cli/command";
import { artifactsUploadCommand } from "@/cli/commands/artifacts-upload";
import { feedbackSendCommand } from "@/cli/commands/feedback-send";
import { gateShowCommand } from "@/cli/commands/gate-show";
import { goldenSetsFreezeCommand } from "@/cli/commands/golden-sets-freeze";
import { goldenSetsListCommand } from "@/cli/commands/golden-sets-list";
import { goldenSetsUploadCommand } from "@/cli/commands/golden-sets-upload";
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
  goldenSetsListCommand,
  goldenSetsUploadCommand,
  goldenSetsFreezeCommand,
  gateShowCommand,
];
