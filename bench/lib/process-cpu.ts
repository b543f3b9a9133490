import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

type ProcStat = { pid: number; parent: number; command: string; cpuSeconds: number };

function readStat(pid: number): ProcStat | undefined {
  const text = readIfPresent(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // The command is in parentheses and may hold spaces; the fields after its closing parenthesis are fixed.
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    pid,
    parent: Number(fields[1]),
    command: text.slice(text.indexOf("(") + 1, close),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
  };
}

/** A /proc file, or undefined when its process ended between listing /proc and reading it. */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ESRCH")
      return undefined;
    throw error;
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** CPU seconds (user + system) used so far by `rootPid` and every process below it. */
export function processTreeCpuSeconds(rootPid: number): number {
  const processes = allProcesses();
  const inTree = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of processes)
      if (!inTree.has(p.pid) && inTree.has(p.parent)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  return processes.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.cpuSeconds, 0);
}

/** CPU seconds used so far by every process whose command is `command` (e.g. a local redis-server). */
export function commandCpuSeconds(command: string): number {
  return allProcesses()
    .filter((p) => p.command === command)
    .reduce((sum, p) => sum + p.cpuSeconds, 0);
}

/** CPU seconds the whole machine has spent busy (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}
