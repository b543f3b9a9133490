export { parseInput } from "@/server/services/parse-input";
