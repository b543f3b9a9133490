import { randomInt } from "node:crypto";

const ADJECTIVES = [
  "amber",
  "bold",
  "brisk",
  "calm",
  "clever",
  "crisp",
  "daring",
  "eager",
  "gentle",
  "glad",
  "keen",
  "lucid",
  "merry",
  "nimble",
  "quiet",
  "rapid",
  "serene",
  "sharp",
  "steady",
  "swift",
  "tidy",
  "vivid",
  "warm",
  "wise",
];
const NOUNS = [
  "badger",
  "comet",
  "falcon",
  "fern",
  "fox",
  "harbor",
  "heron",
  "lark",
  "maple",
  "meadow",
  "otter",
  "owl",
  "pine",
  "quartz",
  "raven",
  "river",
  "robin",
  "sparrow",
  "stone",
  "tiger",
  "trout",
  "willow",
  "wolf",
  "wren",
];

/** A readable default run name like MLflow's ("swift-otter-042"). */
export function randomRunName(): string {
  const pick = (words: string[]) => words[randomInt(words.length)];
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${String(randomInt(1000)).padStart(3, "0")}`;
}
