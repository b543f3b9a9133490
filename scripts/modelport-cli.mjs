#!/usr/bin/env node
// The `modelport` command: runs the TypeScript CLI in cli/ through tsx, without a build step.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
