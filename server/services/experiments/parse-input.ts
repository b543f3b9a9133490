export { parseInput } from "../parse-input";
